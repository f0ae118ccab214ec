package io.adaptstream.scoring;

import io.adaptstream.avro.ModelVersion;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.model.ComputeDevice;
import io.adaptstream.model.Learner;
import io.adaptstream.model.LearnerConfig;
import io.adaptstream.model.Learners;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loaded model versions, least recently used evicted (and closed) beyond the capacity.
 *
 * <p>A step scores with one version, but around a step boundary requests for version t-1 and t can interleave
 * on a partition; a capacity of two keeps both loaded. Versions are immutable (version n is the model after
 * step n), so a cached version is never looked up again.
 */
final class ModelCache implements ModelSource, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

  private final ModelVersions versions;
  private final BlobStore blobs;
  private final ComputeDevice device;
  private final LearnerConfig learner;
  private final int microBatch;
  private final int capacity;
  private final Duration wait;
  private final LinkedHashMap<String, Loaded> loaded = new LinkedHashMap<>(8, 0.75f, true);

  ModelCache(ModelVersions versions, BlobStore blobs, LearnerConfig learner, ComputeDevice device, int microBatch,
      int capacity, Duration wait) {
    this.versions = versions;
    this.blobs = blobs;
    this.device = device;
    this.learner = learner;
    this.microBatch = microBatch;
    this.capacity = capacity;
    this.wait = wait;
  }

  @Override
  public ScoringModel model(String model, int version) throws UnscorableException {
    String key = ModelSource.key(model, version);
    Loaded hit = loaded.get(key);
    if (hit != null) {
      return hit.scoring;
    }
    ModelVersion mv = versions.find(model, version, wait).orElseThrow(() -> versions.beyondNext(model, version)
        ? new UnscorableException(DeadLetterReason.UNKNOWN_STEP, "model version " + key + " is past the one after "
            + "the newest on the models topic: the request's step does not exist")
        : new UnscorableException(DeadLetterReason.UNKNOWN_MODEL, "model version " + key
            + " is not on the models topic"));
    Learner vlm;
    long t0 = System.nanoTime();
    try {
      vlm = Learners.load(learner, blobs, mv.getSha256(), mv.getConfig(), device);
    } catch (Exception e) {
      throw new UnscorableException(DeadLetterReason.MODEL_UNAVAILABLE, "model version " + key + " (checkpoint "
          + mv.getSha256() + ") cannot be loaded: " + e.getMessage(), e);
    }
    LOG.info("loaded {} model version {} ({} parameters) on {} in {} ms", vlm.kind(), key, vlm.parameterCount(),
        device, (System.nanoTime() - t0) / 1_000_000);
    Loaded entry = new Loaded(vlm, ScoringModel.of(vlm, microBatch));
    loaded.put(key, entry);
    evict();
    return entry.scoring;
  }

  private void evict() {
    Iterator<Map.Entry<String, Loaded>> it = loaded.entrySet().iterator();
    while (loaded.size() > capacity && it.hasNext()) {
      Map.Entry<String, Loaded> eldest = it.next();
      it.remove();
      eldest.getValue().model.close();
      LOG.info("unloaded model version {}", eldest.getKey());
    }
  }

  @Override
  public void close() {
    loaded.values().forEach(l -> l.model.close());
    loaded.clear();
  }

  private record Loaded(Learner model, ScoringModel scoring) {}
}
