package io.adaptstream.ingest;

import io.adaptstream.avro.ImageRef;
import io.adaptstream.avro.Sample;
import io.adaptstream.blob.BlobRef;
import io.adaptstream.blob.BlobStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns each dataset entry of one release into a {@link Sample}, a duplicate or a rejection: parse, check the
 * images, compute the content id, collapse exact duplicates, store the images.
 *
 * <p>Kept apart from Kafka so the whole path from bytes to record is testable without a broker. Samples that an
 * earlier attempt already committed are recognised by id and reported as such (their images are stored
 * already, so they are not stored again).
 */
final class EntryProcessor {

  /** What became of one entry. */
  sealed interface Result permits Accepted, Duplicate, Rejected {}

  /** A new sample of the release; {@code committedBefore} when an earlier attempt already wrote it. */
  record Accepted(Sample sample, boolean committedBefore) implements Result {}

  /** The same content as an earlier entry of the release. */
  record Duplicate(String id, long index) implements Result {}

  record Rejected(Rejection rejection) implements Result {}

  private final String release;
  private final EntryParser parser;
  private final ImageInspector images;
  private final BlobStore blobs;
  private final DigestSet committed;
  private final DigestSet seen = new DigestSet();

  /**
   * @param committed ids of this release's samples committed by an earlier attempt (empty for a new release)
   */
  EntryProcessor(String release, ValidationLimits limits, Path imageRoot, BlobStore blobs, DigestSet committed) {
    this.release = release;
    this.parser = new EntryParser(limits);
    this.images = new ImageInspector(imageRoot, limits);
    this.blobs = blobs;
    this.committed = committed;
  }

  /**
   * @throws IngestException when the blob store cannot store an image (the dataset is not at fault)
   */
  Result process(RawEntry entry) {
    try {
      EntryParser.Outcome outcome = parser.parse(entry);
      if (outcome instanceof EntryParser.Rejected r) {
        return new Rejected(r.rejection());
      }
      ParsedSample parsed = ((EntryParser.Parsed) outcome).sample();
      List<InspectedImage> inspected = new ArrayList<>(parsed.imagePaths().size());
      for (String path : parsed.imagePaths()) {
        inspected.add(images.inspect(path));
      }
      String id = SampleIds.of(parsed.split(), parsed.turns(),
          inspected.stream().map(InspectedImage::sha256).toList());
      if (seen.contains(id)) {
        return new Duplicate(id, entry.index());
      }
      boolean committedBefore = committed.contains(id);
      List<ImageRef> refs = committedBefore ? refsOf(inspected) : store(inspected);
      seen.add(id);
      Sample sample = Sample.newBuilder()
          .setId(id)
          .setRelease(release)
          .setSourceId(parsed.sourceId())
          .setSplit(parsed.split())
          .setSkill(parsed.skill())
          .setConversations(parsed.turns())
          .setImages(refs)
          .build();
      return new Accepted(sample, committedBefore);
    } catch (EntryParser.Invalid e) {
      return new Rejected(e.rejection);
    }
  }

  /**
   * Stores the images; their bytes must still be those that were checked. An image the store holds already
   * (datasets reference the same image from many entries) is not written again: a put costs a temporary file
   * and an fsync, and the store's content is addressed, and verified on read, by the same hash.
   */
  private List<ImageRef> store(List<InspectedImage> inspected) {
    List<ImageRef> refs = new ArrayList<>(inspected.size());
    for (InspectedImage image : inspected) {
      if (blobs.contains(image.sha256())) {
        refs.add(ref(image, blobs.uri(image.sha256()).toString()));
        continue;
      }
      BlobRef ref;
      try {
        ref = blobs.put(image.file());
      } catch (IOException e) {
        throw new IngestException("cannot store image " + image.file() + ": " + e.getMessage(), e);
      }
      if (!ref.sha256().equals(image.sha256())) {
        throw new EntryParser.Invalid(Reason.CORRUPT_IMAGE, image.file().getFileName()
            + " changed while it was being published");
      }
      refs.add(ref(image, ref.uri().toString()));
    }
    return refs;
  }

  private List<ImageRef> refsOf(List<InspectedImage> inspected) {
    List<ImageRef> refs = new ArrayList<>(inspected.size());
    for (InspectedImage image : inspected) {
      refs.add(ref(image, blobs.uri(image.sha256()).toString()));
    }
    return refs;
  }

  private static ImageRef ref(InspectedImage image, String uri) {
    return ImageRef.newBuilder()
        .setUri(uri)
        .setSha256(image.sha256())
        .setWidth(image.width())
        .setHeight(image.height())
        .setMediaType(image.mediaType())
        .build();
  }
}
