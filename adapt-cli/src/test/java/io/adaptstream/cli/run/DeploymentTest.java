package io.adaptstream.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.ingest.IngestConfig;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.runtime.config.ServiceConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeploymentTest {

  private static final Deployment ADDRESSES_ONLY = new Deployment("b:1", "http://r:2", "t1", 3, (short) 1,
      Optional.empty(), Optional.empty());

  @Test
  void shouldRefuseToPublishWhenOnlyTheAddressesAreKnown() {
    // given a deployment known only by its broker and registry, then a job that needs the blob store is refused
    assertThatThrownBy(ADDRESSES_ONLY::ingestConfig).isInstanceOf(IllegalStateException.class)
        .hasMessage("no blob store known for the deployment at b:1");
  }

  @Test
  void shouldPublishToTheDefaultRunOfItsPrefixWhenGivenABlobStore() {
    // given the same deployment with a blob store
    Deployment d = ADDRESSES_ONLY.withBlobStore(Path.of("blobs"));

    // when publishing is configured
    IngestConfig publish = d.ingestConfig();

    // then it writes the deployment's topics of the default run, with the blob store made absolute
    assertThat(publish.catalogue().run()).isEqualTo(TopicCatalogue.DEFAULT_RUN);
    assertThat(publish.catalogue().ingest.name()).isEqualTo(d.catalogue(TopicCatalogue.DEFAULT_RUN).ingest.name())
        .startsWith("t1.");
    assertThat(publish.getString(ServiceConfig.BLOB_STORE)).isEqualTo(Path.of("blobs").toAbsolutePath().toString());
  }
}
