package io.adaptstream.runtime;

import io.adaptstream.avro.Release;
import io.adaptstream.avro.ReleaseStatus;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's release table: the newest state of every release, from the compacted {@code releases} topic
 * (key: the release name). The one reading of it that ingest (before it opens or seals a release), the trainer
 * (each release's role, as it tails the table) and the command line (which releases are sealed) share.
 *
 * <p>A tombstone removes its key. A record that cannot be read because the registry cannot be asked is never
 * skipped (it would make a committed release look absent, and ingest would write it twice): {@link #apply} and
 * {@link #applyOrSkip} throw then. Other unreadable records are the caller's to judge: {@link #apply} throws the
 * deserializer's failure (the trainer dead-letters it, once), {@link #applyOrSkip} logs and skips it (ingest and
 * the command line only look).
 *
 * <p>Not thread-safe; one reader fills it.
 */
public final class ReleaseTable {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseTable.class);

  private final Deserializer<Release> deserializer;
  private final Map<String, Release> releases = new LinkedHashMap<>();

  public ReleaseTable(Deserializer<Release> deserializer) {
    this.deserializer = deserializer;
  }

  /**
   * The whole table as it is now, read with {@code reader} to the releases topic's high watermark; unreadable
   * records are skipped ({@link #applyOrSkip}).
   */
  public static ReleaseTable read(TopicReader reader, Topic<Release> topic, Deserializer<Release> deserializer) {
    ReleaseTable table = new ReleaseTable(deserializer);
    reader.read(topic.name(), topic.partitions(), List.of(), table::applyOrSkip);
    return table;
  }

  /**
   * The same, for a caller without an {@link Admin} of its own (the command line): opens one from
   * {@code clientProps} for the read.
   */
  public static ReleaseTable read(Map<String, Object> clientProps, Topic<Release> topic,
      Deserializer<Release> deserializer, Duration timeout) {
    try (Admin admin = Admin.create(clientProps)) {
      return read(new TopicReader(clientProps, admin, timeout), topic, deserializer);
    }
  }

  /**
   * Applies one record of the releases topic (a {@code String} or UTF-8 {@code byte[]} key).
   *
   * @return the release the record holds; empty for a tombstone or a record without a key (which no writer
   *     makes: it is ignored)
   * @throws RuntimeException the deserializer's failure when the value cannot be read
   */
  public Optional<Release> apply(ConsumerRecord<?, byte[]> r) {
    String key = key(r.key());
    if (key == null) {
      return Optional.empty();
    }
    if (r.value() == null) {
      releases.remove(key);
      return Optional.empty();
    }
    Release release = deserializer.deserialize(r.topic(), r.value());
    releases.put(key, release);
    return Optional.of(release);
  }

  /**
   * {@link #apply}, skipping (with a warning) a record that cannot be read.
   *
   * @return whether the record was read
   * @throws RuntimeException when the registry cannot be asked ({@link SchemaRegistryException#isUnavailable})
   */
  public boolean applyOrSkip(ConsumerRecord<?, byte[]> r) {
    try {
      apply(r);
      return true;
    } catch (RuntimeException e) {
      if (SchemaRegistryException.isUnavailable(e)) {
        throw e;
      }
      LOG.warn("ignoring an unreadable release record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
          e.getMessage());
      return false;
    }
  }

  /** The newest state of every release, in the order they were first written. */
  public Map<String, Release> releases() {
    return Collections.unmodifiableMap(releases);
  }

  public Optional<Release> get(String name) {
    return Optional.ofNullable(releases.get(name));
  }

  /** Whether {@code release} is sealed with {@code sequence}. */
  public boolean sealedAs(String release, int sequence) {
    Release r = releases.get(release);
    return r != null && r.getStatus() == ReleaseStatus.SEALED && r.getSequence() == sequence;
  }

  private static String key(Object key) {
    if (key instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return key == null ? null : key.toString();
  }
}
