package io.adaptstream.ingest;

import static io.adaptstream.ingest.Fixtures.bytes;
import static io.adaptstream.ingest.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.avro.Sample;
import io.adaptstream.blob.BlobStore;
import io.adaptstream.blob.FileBlobStore;
import io.adaptstream.blob.FullDisk;
import io.adaptstream.blob.Sha256;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryProcessorTest {

  @TempDir Path dir;
  private Path images;
  private BlobStore blobs;

  @BeforeEach
  void setUp() {
    images = dir.resolve("data");
    blobs = new FileBlobStore(dir.resolve("blobs"));
    write(images.resolve("red.png"), Fixtures.png(16, 16, 1));
    write(images.resolve("copy-of-red.png"), Fixtures.png(16, 16, 1));
    write(images.resolve("blue.png"), Fixtures.png(16, 16, 2));
  }

  private EntryProcessor processor(String release, DigestSet committed) {
    return new EntryProcessor(release, ValidationLimits.defaults(), images, blobs, committed);
  }

  private static RawEntry entry(long index, String id, String image, String q, String a) {
    return RawEntry.ok(index, bytes(Fixtures.sample(id, image, q, a)));
  }

  @Test
  void shouldCollapseExactDuplicatesEvenUnderOtherIdsPathsAndSkills() {
    EntryProcessor p = processor("r1", new DigestSet());

    EntryProcessor.Result first = p.process(entry(0, "a", "red.png", "colour?", "red"));
    EntryProcessor.Result sameContent = p.process(entry(1, "b", "copy-of-red.png", "colour?", "red"));
    EntryProcessor.Result otherImage = p.process(entry(2, "c", "blue.png", "colour?", "red"));

    assertThat(first).isInstanceOf(EntryProcessor.Accepted.class);
    assertThat(sameContent).isInstanceOfSatisfying(EntryProcessor.Duplicate.class,
        d -> assertThat(d.id()).isEqualTo(((EntryProcessor.Accepted) first).sample().getId()));
    assertThat(otherImage).isInstanceOf(EntryProcessor.Accepted.class);
  }

  @Test
  void shouldNotWriteAnImageAgainWhenTheStoreHoldsItAlready() {
    // given a store whose disk has room for the red image once, and no more
    blobs = FullDisk.storeWithRoomFor(dir.resolve("small-disk"), Fixtures.png(16, 16, 1).length);
    EntryProcessor p = processor("r1", new DigestSet());

    // when three different samples show the red image
    List<EntryProcessor.Result> results = List.of(
        p.process(entry(0, "a", "red.png", "colour?", "red")),
        p.process(entry(1, "b", "red.png", "shape?", "square")),
        p.process(entry(2, "c", "copy-of-red.png", "size?", "small")));

    // then all are accepted: the image was written once, then found by its hash
    assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(EntryProcessor.Accepted.class));
    assertThat(blobs.contains(Sha256.hex(Fixtures.png(16, 16, 1)))).isTrue();
  }

  @Test
  void shouldBuildTheSampleAndStoreItsImages() throws IOException {
    byte[] red = Fixtures.png(16, 16, 1);

    EntryProcessor.Result r = processor("r7", new DigestSet()).process(entry(3, null, "red.png", "colour?", "red"));

    assertThat(r).isInstanceOfSatisfying(EntryProcessor.Accepted.class, a -> {
      Sample s = a.sample();
      assertThat(a.committedBefore()).isFalse();
      assertThat(s.getRelease()).isEqualTo("r7");
      assertThat(s.getSourceId()).isEqualTo("#3");
      assertThat(s.getImages()).singleElement().satisfies(img -> {
        assertThat(img.getSha256()).isEqualTo(Sha256.hex(red));
        assertThat(img.getUri()).isEqualTo(blobs.uri(Sha256.hex(red)).toString());
        assertThat(img.getMediaType()).isEqualTo("image/png");
        assertThat(img.getWidth()).isEqualTo(16);
      });
    });
    assertThat(blobs.get(Sha256.hex(red))).isEqualTo(red);
  }

  @Test
  void shouldGiveTheSameIdInAnyReleaseForTheSameContent() {
    Sample a = ((EntryProcessor.Accepted) processor("r1", new DigestSet())
        .process(entry(0, "x", "red.png", "q", "a"))).sample();
    Sample b = ((EntryProcessor.Accepted) processor("r2", new DigestSet())
        .process(entry(9, "y", "copy-of-red.png", "q", "a"))).sample();

    assertThat(a.getId()).isEqualTo(b.getId());
  }

  @Test
  void shouldRecogniseSamplesAnEarlierAttemptCommitted() {
    Sample first = ((EntryProcessor.Accepted) processor("r1", new DigestSet())
        .process(entry(0, "x", "red.png", "q", "a"))).sample();
    DigestSet committed = new DigestSet();
    committed.add(first.getId());

    List<EntryProcessor.Result> again = List.of(processor("r1", committed).process(entry(0, "x", "red.png", "q", "a")));

    assertThat(again).singleElement().isInstanceOfSatisfying(EntryProcessor.Accepted.class, a -> {
      assertThat(a.committedBefore()).isTrue();
      assertThat(a.sample()).isEqualTo(first);
    });
  }

  @Test
  void shouldRejectAnEntryWhoseImageFails() {
    EntryProcessor.Result r = processor("r1", new DigestSet()).process(entry(0, "x", "../red.png", "q", "a"));

    assertThat(r).isInstanceOfSatisfying(EntryProcessor.Rejected.class,
        rej -> assertThat(rej.rejection().reason()).isEqualTo(Reason.PATH_ESCAPE));
  }

  @Test
  void shouldFailNamingTheImageTheBlobStoreAndTheCauseWhenTheDiskIsFull() {
    // given a blob store on a disk with 100 bytes free (a 16x16 PNG is larger)
    FileBlobStore full = FullDisk.storeWithRoomFor(dir.resolve("full"), 100);
    EntryProcessor p = new EntryProcessor("r1", ValidationLimits.defaults(), images, full, new DigestSet());

    // when an entry with an image is processed, then it fails as the store's fault, not the dataset's
    assertThatThrownBy(() -> p.process(entry(0, "a", "red.png", "colour?", "red")))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("cannot store image " + images.resolve("red.png"))
        .hasMessageContaining("blob store " + full.root())
        .hasMessageEndingWith(FullDisk.NO_SPACE);
    assertThat(full.contains(Sha256.hex(Fixtures.png(16, 16, 1)))).isFalse();
  }
}
