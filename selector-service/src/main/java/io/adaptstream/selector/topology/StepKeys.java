package io.adaptstream.selector.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Store keys and partition arithmetic shared by the selector's processors.
 *
 * <p>RocksDB iterates keys in byte order, so steps and cluster ids are zero-padded: a prefix scan of
 * {@code step(t)} then walks one step, and within it one cluster at a time in cluster order. Sample ids are
 * lowercase hex digests, whose byte order is their {@link String} order.
 */
public final class StepKeys {

  private StepKeys() {}

  /** {@code 0000000007}: a step as a sortable key. */
  public static String step(int step) {
    return pad(step, 10);
  }

  /** The prefix of everything stored under a step. */
  public static String stepPrefix(int step) {
    return step(step) + "/";
  }

  /** {@code <step>/<sample id>}. */
  public static String member(int step, String sampleId) {
    return stepPrefix(step) + sampleId;
  }

  /** The prefix of one cluster's entries at a step. */
  public static String clusterPrefix(int step, int cluster) {
    return cluster(step, cluster) + "/";
  }

  /** {@code <step>/<cluster>}: one cluster's summary at a step. */
  public static String cluster(int step, int cluster) {
    return stepPrefix(step) + pad(cluster, 6);
  }

  /** {@code <step>/<cluster>/<sample id>}. */
  public static String clusterMember(int step, int cluster, String sampleId) {
    return clusterPrefix(step, cluster) + sampleId;
  }

  /** Zero-padded decimal; on the per-record path, where {@code String.format} costs more than the rest. */
  private static String pad(int value, int width) {
    if (value < 0) {
      throw new IllegalArgumentException("negative key part " + value);
    }
    String digits = Integer.toString(value);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  /** The last part of a {@code /}-separated key. */
  public static String lastPart(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  /** Marker keys, as the architecture spells them: {@code marker/<step>/<source>}. */
  public static String marker(int step, int source) {
    return "marker/" + step + "/" + source;
  }

  /**
   * The partition Kafka's default partitioner gives a key: murmur2 of its UTF-8 bytes. Samples are written to
   * the ingest topic with it, so every sample-keyed topic of the selector puts a sample on the same partition
   * number, and a deletion reaches the pool task that holds the sample.
   */
  public static int partitionForKey(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** The partition of a cluster's members on the by-cluster topic: clusters are dealt round-robin. */
  public static int partitionForCluster(int cluster, int partitions) {
    return cluster % partitions;
  }
}
