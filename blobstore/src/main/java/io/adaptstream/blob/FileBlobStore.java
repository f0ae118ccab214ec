package io.adaptstream.blob;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Blobs as files under a root directory, at {@code <root>/<h0h1>/<h2h3>/<sha256>}.
 *
 * <p>A write goes to a temporary file in {@code <root>/tmp} while it is hashed, is fsynced, then renamed into
 * place atomically, so concurrent writers of the same content and crashes mid-write are harmless. Keys are
 * checked to be hex digests before any path is built, so no key can address a file outside the root.
 *
 * <p>A write that fails (a full disk, an I/O error) deletes its temporary file and throws an
 * {@link IOException} naming the store and the cause; nothing appears under the hash, so a reader never sees a
 * partial blob and a later put of the same bytes starts afresh. A temporary file left by a killed process
 * stays in {@code <root>/tmp}, where no reader looks.
 */
public final class FileBlobStore implements BlobStore {

  /** Opens the stream a temporary file is written through; a seam for failure tests, files otherwise. */
  @FunctionalInterface
  interface TempWriter {
    OutputStream open(Path temp) throws IOException;
  }

  private final Path root;
  private final Path tmp;
  private final TempWriter writer;

  public FileBlobStore(Path root) {
    this(root, Files::newOutputStream);
  }

  FileBlobStore(Path root, TempWriter writer) {
    this.writer = writer;
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
    Path temp = createTemp();
    IOException failure = null;
    try {
      long size = copy(new DigestInputStream(in, digest), temp);
      String key = Sha256.hex(digest);
      Path target = path(key);
      if (!Files.exists(target)) {
        moveIntoPlace(temp, target);
      }
      return new BlobRef(key, size, uri(key));
    } catch (IOException e) {
      failure = e;
      throw e;
    } finally {
      deleteTemp(temp, failure);
    }
  }

  private Path createTemp() throws IOException {
    try {
      return Files.createTempFile(tmp, "put-", ".part");
    } catch (IOException e) {
      throw writeFailure("cannot create a temporary file", e);
    }
  }

  /**
   * Copies the source into the temporary file and fsyncs it. Hand-written rather than {@code transferTo} so a
   * failure of the source (thrown as is) is told apart from a failure of the store (named as the store's).
   */
  private long copy(InputStream source, Path temp) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = openTemp(temp)) {
      for (int n; (n = source.read(buf)) >= 0; ) {
        try {
          out.write(buf, 0, n);
        } catch (IOException e) {
          throw writeFailure("writing a blob failed after " + written + " bytes", e);
        }
        written += n;
      }
      try {
        out.flush();
      } catch (IOException e) {
        throw writeFailure("writing a blob failed after " + written + " bytes", e);
      }
    }
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException e) {
      throw writeFailure("cannot sync a blob of " + written + " bytes to disk", e);
    }
    return written;
  }

  private OutputStream openTemp(Path temp) throws IOException {
    try {
      return writer.open(temp);
    } catch (IOException e) {
      throw writeFailure("cannot open a temporary file", e);
    }
  }

  private void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.createDirectories(target.getParent());
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // another writer stored the same content first
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("blob store " + root + " needs atomic renames within one file system", e);
    } catch (IOException e) {
      throw writeFailure("cannot move a blob into place", e);
    }
  }

  /** Deletes the temporary file; a failure to do so never hides the failure that got here. */
  private void deleteTemp(Path temp, IOException failure) throws IOException {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      if (failure == null) {
        throw writeFailure("cannot delete the temporary file " + temp, e);
      }
      failure.addSuppressed(e);
    }
  }

  private IOException writeFailure(String what, IOException cause) {
    String because = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new IOException("blob store " + root + ": " + what + ": " + because, cause);
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
