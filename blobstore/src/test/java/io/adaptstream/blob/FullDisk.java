package io.adaptstream.blob;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk with a fixed number of bytes free, for testing what a full disk does to a {@link FileBlobStore}: the
 * real store, whose temporary files take bytes from a shared budget. A write that does not fit writes what
 * fits, then fails as the operating system does ({@code No space left on device}).
 */
public final class FullDisk {

  /** The message Linux gives for ENOSPC. */
  public static final String NO_SPACE = "No space left on device";

  private final AtomicLong free;

  private FullDisk(long freeBytes) {
    this.free = new AtomicLong(freeBytes);
  }

  /** A real blob store at {@code root} on a disk with {@code freeBytes} free (counted over all its writes). */
  public static FileBlobStore storeWithRoomFor(Path root, long freeBytes) {
    FullDisk disk = new FullDisk(freeBytes);
    return new FileBlobStore(root, temp -> disk.new Budgeted(Files.newOutputStream(temp)));
  }

  private final class Budgeted extends FilterOutputStream {
    Budgeted(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      long granted = Math.min(len, Math.max(0, free.getAndAdd(-len)));
      out.write(b, off, (int) granted);
      if (granted < len) {
        throw new IOException(NO_SPACE);
      }
    }
  }
}
