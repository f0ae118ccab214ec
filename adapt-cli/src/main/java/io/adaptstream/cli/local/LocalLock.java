package io.adaptstream.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The data directory's lock, held by the running instance for its whole life, so two {@code adapt local up}
 * can never both start a broker on one directory. The operating system drops it when the holder dies, so a
 * crash never leaves the directory locked.
 */
final class LocalLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private LocalLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or empty if another process (or this one) holds it. */
  static Optional<LocalLock> tryAcquire(Path file) {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return Optional.of(new LocalLock(channel, lock));
      }
    } catch (OverlappingFileLockException e) {
      // held by this very JVM
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + file, e);
    }
    closeQuietly(channel);
    return Optional.empty();
  }

  /** Whether some process holds the lock right now. */
  static boolean isHeld(Path file) {
    Optional<LocalLock> probe = tryAcquire(file);
    probe.ifPresent(LocalLock::close);
    return probe.isEmpty();
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // the channel close below releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
