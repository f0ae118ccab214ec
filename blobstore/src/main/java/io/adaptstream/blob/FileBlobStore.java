package io.adaptstream.blob;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs as files under a root directory, at {@code <root>/<h0h1>/<h2h3>/<sha256>}.
 *
 * <p>A write goes to a temporary file in {@code <root>/tmp} while it is hashed, is fsynced, then renamed into
 * place atomically, so concurrent writers of the same content and crashes mid-write are harmless. Keys are
 * checked to be hex digests before any path is built, so no key can address a file outside the root.
 *
 * <p>A write that fails (a full disk, an I/O error) deletes its temporary file and throws an
 * {@link IOException} naming the store and the cause; nothing appears under the hash, so a reader never sees a
 * partial blob and a later put of the same bytes starts afresh.
 *
 * <p>A killed writer leaves its temporary file behind. Several processes (ingest, scoring, trainer, on one host or
 * in containers sharing a volume) may write into one store at once, so such files are removed only when it is
 * certain that no live writer owns them. Each temporary file is named {@code put-<pid>@<host>-<random>.part}
 * after the process writing it, where {@code <host>} is the host name and, on Linux, the id of the process-id
 * namespace (pids are comparable only within one), and opening a store removes a file of {@code <root>/tmp} when
 * <ul>
 *   <li>it was written under the same host tag by a process that is no longer alive, or</li>
 *   <li>its host tag differs, or its name carries no writer, and it has not been modified for
 *       {@link #DEFAULT_STALE_AFTER} (or the age given to the constructor): a live writer keeps modifying its
 *       file until it renames it, so only a writer stalled that long can lose its file, and then its put fails
 *       with an error rather than storing a partial blob.</li>
 * </ul>
 * A file of a live process under the same host tag is never removed, whatever its age (a reused pid keeps a dead
 * writer's file until that pid ends).
 */
public final class FileBlobStore implements BlobStore {

  /** Opens the stream a temporary file is written through; a seam for failure tests, files otherwise. */
  @FunctionalInterface
  interface TempWriter {
    OutputStream open(Path temp) throws IOException;
  }

  /** How long a temporary file of a writer that cannot be checked must stay unmodified before it is removed. */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(24);

  private static final Logger LOG = LoggerFactory.getLogger(FileBlobStore.class);
  private static final Pattern TEMP_NAME = Pattern.compile("put-([0-9]+)@([A-Za-z0-9.]*)-[0-9]+\\.part");
  private static final String HOST = hostName();

  private final Path root;
  private final Path tmp;
  private final TempWriter writer;
  private final int staleRemoved;

  public FileBlobStore(Path root) {
    this(root, DEFAULT_STALE_AFTER);
  }

  /** @param staleAfter how old a temporary file of an unknown or remote writer must be to be removed at open */
  public FileBlobStore(Path root, Duration staleAfter) {
    this(root, Files::newOutputStream, staleAfter, Instant.now());
  }

  FileBlobStore(Path root, TempWriter writer) {
    this(root, writer, DEFAULT_STALE_AFTER, Instant.now());
  }

  FileBlobStore(Path root, TempWriter writer, Duration staleAfter, Instant now) {
    if (staleAfter.isNegative()) {
      throw new IllegalArgumentException("staleAfter must not be negative, got " + staleAfter);
    }
    this.writer = writer;
    try {
      this.root = Files.createDirectories(root.toAbsolutePath().normalize());
      this.tmp = Files.createDirectories(this.root.resolve("tmp"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create blob store at " + root + ": " + e, e);
    }
    this.staleRemoved = removeStaleTemps(staleAfter, now);
  }

  public Path root() {
    return root;
  }

  /** How many temporary files of dead or long-stalled writers opening this store removed. */
  public int staleTempFilesRemoved() {
    return staleRemoved;
  }

  /** The name prefix of this process's temporary files: {@code put-<pid>@<host>-}. */
  static String tempPrefix() {
    return tempPrefix(ProcessHandle.current().pid());
  }

  /** The name prefix of the temporary files of process {@code pid} of this host. */
  static String tempPrefix(long pid) {
    return "put-" + pid + "@" + HOST + "-";
  }

  /**
   * Removes the temporary files no live writer owns (the rule is in the class comment). A file that cannot be
   * removed is logged and left: cleaning up must never stop a store from opening.
   */
  private int removeStaleTemps(Duration staleAfter, Instant now) {
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
      for (Path file : files) {
        try {
          if (isStale(file, staleAfter, now) && Files.deleteIfExists(file)) {
            removed++;
          }
        } catch (NoSuchFileException gone) {
          // its writer renamed it, or another opener removed it
        } catch (IOException e) {
          LOG.warn("blob store {}: cannot remove the stale temporary file {}: {}", root, file, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.warn("blob store {}: cannot list {} for stale temporary files: {}", root, tmp, e.toString());
    }
    if (removed > 0) {
      LOG.info("blob store {}: removed {} temporary file(s) of dead or long-stalled writers", root, removed);
    }
    return removed;
  }

  private static boolean isStale(Path file, Duration staleAfter, Instant now) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    Matcher m = TEMP_NAME.matcher(file.getFileName().toString());
    if (m.matches() && m.group(2).equals(HOST)) {
      long pid;
      try {
        pid = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        return false; // no such pid can be alive, nor be ours: leave it to a person
      }
      return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }
    Instant modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
    return !modified.plus(staleAfter).isAfter(now);
  }

  /**
   * The tag that tells this process's writers from those whose pids cannot be compared with ours: the host name,
   * then, on Linux, the id of the process-id namespace (containers sharing a host name, e.g. with host
   * networking, still differ); letters, digits and dots only. Read from the kernel where it can be, as
   * {@link InetAddress#getLocalHost()} may wait for a name lookup.
   */
  private static String hostName() {
    String name = "";
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        name = Files.readString(kernel).trim();
      }
      if (name.isEmpty()) {
        name = InetAddress.getLocalHost().getHostName();
      }
    } catch (IOException | RuntimeException e) {
      name = "";
    }
    String clean = name.replaceAll("[^A-Za-z0-9.]", "");
    clean = clean.length() > 64 ? clean.substring(0, 64) : clean;
    return clean + "." + pidNamespace();
  }

  /** The inode of this process's pid namespace ({@code /proc/self/ns/pid -> pid:[4026531836]}), or "0". */
  private static String pidNamespace() {
    try {
      String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
      String digits = link.replaceAll("[^0-9]", "");
      return digits.isEmpty() ? "0" : digits;
    } catch (IOException | RuntimeException e) {
      return "0";
    }
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
      return Files.createTempFile(tmp, tempPrefix(), ".part");
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
