package io.adaptstream.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest {

  @TempDir
  Path root;

  @Test
  void shouldKeyBlobsBySha256OfTheirContent() throws IOException {
    FileBlobStore store = new FileBlobStore(root);

    BlobRef ref = store.put("abc".getBytes(StandardCharsets.UTF_8));

    assertThat(ref.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(ref.size()).isEqualTo(3);
    assertThat(ref.uri().getScheme()).isEqualTo("file");
    assertThat(store.get(ref.sha256())).asString(StandardCharsets.UTF_8).isEqualTo("abc");
    assertThat(Path.of(ref.uri())).isEqualTo(store.path(ref.sha256()));
  }

  @Test
  void shouldStoreTheSameContentOnce() throws IOException {
    FileBlobStore store = new FileBlobStore(root);

    BlobRef a = store.put(new byte[] {1, 2, 3});
    BlobRef b = store.put(new byte[] {1, 2, 3});

    assertThat(a).isEqualTo(b);
    try (var files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).hasSize(1);
    }
  }

  @Test
  void shouldLeaveNoTemporaryFilesBehind() throws IOException {
    FileBlobStore store = new FileBlobStore(root);
    store.put(new byte[1 << 20]);

    try (var tmp = Files.list(root.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void shouldRefuseKeysThatAreNotHashes() {
    FileBlobStore store = new FileBlobStore(root);

    for (String bad : new String[] {"../../etc/passwd", "ABCDEF", "g".repeat(64), "A".repeat(64), "", null}) {
      assertThatThrownBy(() -> store.open(bad)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.contains(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void shouldDetectCorruptionOnRead() throws IOException {
    FileBlobStore store = new FileBlobStore(root);
    BlobRef ref = store.put("the original".getBytes(StandardCharsets.UTF_8));
    Path file = store.path(ref.sha256());
    file.toFile().setWritable(true);
    Files.writeString(file, "tampered");

    assertThatThrownBy(() -> store.get(ref.sha256()))
        .isInstanceOf(BlobIntegrityException.class)
        .hasMessageContaining(ref.sha256());
  }

  @Test
  void shouldVerifyWhenStreamedInChunks() throws IOException {
    FileBlobStore store = new FileBlobStore(root);
    byte[] data = new byte[100_000];
    new java.util.Random(7).nextBytes(data);
    BlobRef ref = store.put(data);

    try (InputStream in = store.open(ref.sha256())) {
      byte[] buf = new byte[4096];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
      }
      assertThat(total).isEqualTo(data.length);
    }
  }

  @Test
  void shouldSayWhichBlobIsMissing() {
    FileBlobStore store = new FileBlobStore(root);
    String key = "0".repeat(64);

    assertThat(store.contains(key)).isFalse();
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(NoSuchFileException.class).hasMessageContaining(key);
  }

  @Test
  void shouldOpenByFileUriOrPath() throws IOException {
    BlobStore byUri = BlobStore.at(root.toUri().toString());
    BlobStore byPath = BlobStore.at(root.toString());

    BlobRef ref = byUri.put(new byte[] {9});

    assertThat(byPath.contains(ref.sha256())).isTrue();
    assertThatThrownBy(() -> BlobStore.at("s3://bucket/x")).hasMessageContaining("only file://");
  }

  @Test
  void shouldLeaveNoPartialBlobWhenTheDiskFillsMidWrite() throws IOException {
    // given a store on a disk with 1,000 bytes free, and a blob of 100,000 bytes
    FileBlobStore full = FullDisk.storeWithRoomFor(root, 1_000);
    byte[] data = new byte[100_000];
    new java.util.Random(16).nextBytes(data);
    String key = Sha256.hex(data);

    // when it is stored, then the put fails naming the store and the cause
    assertThatThrownBy(() -> full.put(data))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("blob store " + full.root())
        .hasMessageContaining("after 0 bytes")
        .hasMessageEndingWith(FullDisk.NO_SPACE);

    // and nothing is under its hash, and its temporary file is gone
    assertThat(full.contains(key)).isFalse();
    assertThat(full.path(key)).doesNotExist();
    try (var tmp = Files.list(root.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }

    // when the disk has room again, then the same bytes are stored, once, and read back verified
    FileBlobStore freed = new FileBlobStore(root);
    BlobRef ref = freed.put(data);
    assertThat(ref.sha256()).isEqualTo(key);
    assertThat(freed.get(key)).isEqualTo(data);
    try (var files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).containsExactly(freed.path(key));
    }
  }

  @Test
  void shouldFailEveryWriteOnceTheDiskIsFullAndKeepTheBlobsStoredBefore() throws IOException {
    // given a disk with room for the first blob only
    FileBlobStore full = FullDisk.storeWithRoomFor(root, 150);
    BlobRef first = full.put(new byte[100]);

    // when two more blobs are stored, then both fail (the second one part-way through its bytes)
    assertThatThrownBy(() -> full.put(new byte[60]))
        .hasMessageContaining("blob store " + full.root());
    assertThatThrownBy(() -> full.put(new byte[1_000])).hasMessageEndingWith(FullDisk.NO_SPACE);

    // and the blob stored before is whole, and it is the only file
    assertThat(full.get(first.sha256())).hasSize(100);
    try (var files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).containsExactly(full.path(first.sha256()));
    }
  }

  @Test
  void shouldReportAFailingSourceAsItsOwnErrorAndStoreNothing() throws IOException {
    // given a source that fails after its first bytes
    FileBlobStore store = new FileBlobStore(root);
    InputStream failing = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(new byte[10]),
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("the source broke");
          }
        });

    // when it is stored, then the source's error comes out as it is, not as the store's
    assertThatThrownBy(() -> store.put(failing)).isInstanceOf(IOException.class).hasMessage("the source broke");
    try (var files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }
}
