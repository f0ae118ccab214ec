package io.adaptstream.runtime;

import io.adaptstream.schemas.Backoff;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Creates the catalogue's topics idempotently: missing ones are created, existing ones are checked.
 *
 * <p>An existing topic with fewer partitions than the catalogue asks for is an error, not something to fix
 * silently: adding partitions would move keys and break the per-partition step markers.
 */
public final class TopicAdmin {

  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
  private static final Retry METADATA_PROPAGATION =
      Backoff.within(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(30))
          .retry("describing just-created topics", TopicAdmin::unknownTopic, LOG, Level.DEBUG);

  private TopicAdmin() {}

  /** Ensures every topic exists; returns the names it created. */
  public static List<String> ensure(Admin admin, Collection<Topic<?>> topics, short replicationFactor) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      List<String> present = new ArrayList<>();
      for (Topic<?> t : topics) {
        if (existing.contains(t.name())) {
          present.add(t.name());
        } else {
          missing.add(t.newTopic(replicationFactor));
        }
      }
      List<String> created = new ArrayList<>();
      for (NewTopic nt : missing) {
        try {
          admin.createTopics(List.of(nt)).all().get(30, TimeUnit.SECONDS);
          created.add(nt.name());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          present.add(nt.name()); // created concurrently by another service: fine
        }
      }
      // describe the created ones too: a client that starts right after (a Streams app checking its source
      // topics) must find them in the broker's metadata, which follows creation asynchronously
      List<String> all = new ArrayList<>(present);
      all.addAll(created);
      if (!all.isEmpty()) {
        Map<String, TopicDescription> described = describe(admin, all);
        for (Topic<?> t : topics) {
          TopicDescription d = described.get(t.name());
          if (d != null && d.partitions().size() != t.partitions()) {
            throw new IllegalStateException("topic " + t.name() + " has " + d.partitions().size()
                + " partitions but the catalogue expects " + t.partitions()
                + "; use a fresh topic prefix or recreate the topic");
          }
        }
      }
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topics: " + e.getMessage(), e);
    }
  }

  /**
   * Describes topics, retrying while a just-created topic's metadata has not reached the broker answering
   * (it is listed before it can be described): from 50 ms, pauses capped at 1 s, for up to 30 s.
   */
  private static Map<String, TopicDescription> describe(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return METADATA_PROPAGATION.executeSupplier(() -> {
        try {
          return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          throw new CompletionException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
          throw new CompletionException(e);
        }
      });
    } catch (CompletionException e) {
      if (e.getCause() instanceof InterruptedException ie) {
        throw ie;
      }
      if (e.getCause() instanceof TimeoutException te) {
        throw te;
      }
      throw new ExecutionException(e.getCause());
    }
  }

  private static boolean unknownTopic(Throwable e) {
    return e instanceof CompletionException && e.getCause() instanceof UnknownTopicOrPartitionException;
  }

  public static List<String> ensure(Admin admin, TopicCatalogue catalogue) {
    return ensure(admin, catalogue.all(), (short) 1);
  }
}
