package io.adaptstream.blob;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Blobs as files under a root directory, at {@code <root>/<h0h1>/<h2h3>/<sha256>}.
 *
 * <p>A write goes to a temporary file in {@code <root>/tmp} while it is hashed, is fsynced, then renamed into
 * place atomically, so concurrent writers of the same content and crashes mid-write are harmless. Keys are
 * checked to be hex digests before any path is built, so no key can address a file outside the root.
 */
public final class FileBlobStore implements BlobStore {

  private final Path root;
  private final Path tmp;

  public FileBlobStore(Path root) {
    try {
      this.root = Files.createDirectories(root.toAbsolutePath().normalize());
      this.tmp = Files.createDirectories(this.root.resolve("tmp"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create blob store at " + root + ": " + e, e);
    }
  }

  public Path root() {
    return root;
  }

  /** The file holding a key (it may not exist). */
  public Path path(String sha256) {
    Sha256.requireHex(sha256);
    return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  @Override
  public BlobRef put(InputStream in) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    Path temp = Files.createTempFile(tmp, "put-", ".part");
    try {
      long size;
      try (DigestInputStream din = new DigestInputStream(in, digest);
          OutputStream out = Files.newOutputStream(temp)) {
        size = din.transferTo(out);
        out.flush();
      }
      try (var ch = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      String key = Sha256.hex(digest);
      Path target = path(key);
      if (!Files.exists(target)) {
        Files.createDirectories(target.getParent());
        try {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
          // another writer stored the same content first
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException("blob store " + root + " needs atomic renames within one file system", e);
        }
      }
      return new BlobRef(key, size, uri(key));
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public boolean contains(String sha256) {
    return Files.isRegularFile(path(sha256));
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    Path file = path(sha256);
    InputStream raw;
    try {
      raw = Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no blob " + sha256 + " in " + root);
    }
    return new VerifyingInputStream(raw, sha256);
  }

  @Override
  public URI uri(String sha256) {
    return path(sha256).toUri();
  }

  @Override
  public String toString() {
    return "FileBlobStore{" + root + "}";
  }

  /** Hashes what passes through and checks the digest when the end is reached. */
  private static final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest digest = Sha256.newDigest();
    private final String expected;
    private boolean verified;

    VerifyingInputStream(InputStream in, String expected) {
      super(in);
      this.expected = expected;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        verify();
      } else {
        digest.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n < 0) {
        verify();
      } else {
        digest.update(buf, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] sink = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(sink, 0, (int) Math.min(sink.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void verify() throws IOException {
      if (verified) {
        return;
      }
      verified = true;
      String actual = Sha256.hex(digest);
      if (!actual.equals(expected)) {
        throw new BlobIntegrityException("blob " + expected + " is corrupt: its content hashes to " + actual);
      }
    }
  }
}
