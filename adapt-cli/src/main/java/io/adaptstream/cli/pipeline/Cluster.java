package io.adaptstream.cli.pipeline;

import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.serde.AvroSerdes;

/**
 * What {@link RunTopics} and {@link ReleaseTable} read of a {@link io.adaptstream.cli.run.Deployment}: the broker,
 * the catalogue and the serdes. Only a view, so those two readers stay untouched until they move to the shared
 * runtime module; delete it with them.
 */
public interface Cluster {

  String bootstrapServers();

  /** The topics of run {@code runId}. */
  TopicCatalogue catalogue(String runId);

  AvroSerdes serdes();
}
