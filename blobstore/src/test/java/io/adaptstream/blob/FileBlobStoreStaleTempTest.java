package io.adaptstream.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files left in {@code <root>/tmp} by killed writers, and which of them opening a store removes. */
class FileBlobStoreStaleTempTest {

  /** Above Linux's largest possible pid (2^22): no process has it. */
  private static final long DEAD_PID = 999_999_999L;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir
  Path root;

  @Test
  void shouldNameATemporaryFileAfterTheWritingProcessAndHost() throws IOException {
    // given a store that shows which temporary file it writes
    AtomicReference<Path> temp = new AtomicReference<>();
    FileBlobStore store = new FileBlobStore(root, t -> {
      temp.set(t);
      return Files.newOutputStream(t);
    });

    // when
    store.put("x".getBytes(StandardCharsets.UTF_8));

    // then
    String name = temp.get().getFileName().toString();
    assertThat(name).startsWith("put-" + ProcessHandle.current().pid() + "@").endsWith(".part")
        .startsWith(FileBlobStore.tempPrefix());
    assertThat(temp.get().getParent()).isEqualTo(root.resolve("tmp"));
  }

  @Test
  void shouldRemoveTheTemporaryFileOfADeadWriterOfThisHostWhenOpened() throws IOException {
    // given a blob, and a half-written temporary file of a process that no longer runs
    BlobRef kept = new FileBlobStore(root).put(new byte[] {1, 2, 3});
    Path left = temp(FileBlobStore.tempPrefix(DEAD_PID) + "42.part", T0);

    // when the store is opened again, however young the file
    FileBlobStore reopened = new FileBlobStore(root, Files::newOutputStream, Duration.ofDays(365), T0);

    // then the file is gone, and only it
    assertThat(left).doesNotExist();
    assertThat(reopened.staleTempFilesRemoved()).isEqualTo(1);
    assertThat(reopened.get(kept.sha256())).containsExactly(1, 2, 3);
  }

  @Test
  void shouldKeepAWritersFileWhileItsProcessRunsAndRemoveItOnceKilled() throws Exception {
    // given a temporary file named after a running process
    Process writer = new ProcessBuilder("sleep", "600").start();
    try {
      Path file = temp(FileBlobStore.tempPrefix(writer.pid()) + "9.part", T0);

      // when a store opens while it runs, then after it is killed
      FileBlobStore whileAlive = new FileBlobStore(root, Files::newOutputStream, Duration.ofDays(1), T0);
      boolean keptWhileAlive = Files.exists(file);
      writer.destroyForcibly().waitFor();
      FileBlobStore afterKill = new FileBlobStore(root, Files::newOutputStream, Duration.ofDays(1), T0);

      // then
      assertThat(keptWhileAlive).isTrue();
      assertThat(whileAlive.staleTempFilesRemoved()).isZero();
      assertThat(file).doesNotExist();
      assertThat(afterKill.staleTempFilesRemoved()).isEqualTo(1);
    } finally {
      writer.destroyForcibly();
    }
  }

  @Test
  void shouldKeepTheTemporaryFilesOfLiveWritersOfThisHostHoweverOld() throws IOException {
    // given month-old files of this process and of its (live) parent
    long parent = ProcessHandle.current().parent().orElseThrow().pid();
    Path mine = temp(FileBlobStore.tempPrefix() + "1.part", T0);
    Path parents = temp(FileBlobStore.tempPrefix(parent) + "2.part", T0);

    // when
    FileBlobStore store =
        new FileBlobStore(root, Files::newOutputStream, Duration.ofHours(1), T0.plus(Duration.ofDays(30)));

    // then
    assertThat(mine).exists();
    assertThat(parents).exists();
    assertThat(store.staleTempFilesRemoved()).isZero();
  }

  @Test
  void shouldRemoveAnotherHostsTemporaryFileOnlyOnceUnmodifiedForTheStaleAge() throws IOException {
    // given a file of a writer on another host (a container sharing the volume), last modified at T0
    String name = "put-1@another.host-7.part";
    Path file = temp(name, T0);

    // when opened 59 minutes later with a stale age of an hour, then 61 minutes later
    FileBlobStore early =
        new FileBlobStore(root, Files::newOutputStream, Duration.ofHours(1), T0.plusSeconds(59 * 60));
    boolean keptEarly = Files.exists(file);
    FileBlobStore late =
        new FileBlobStore(root, Files::newOutputStream, Duration.ofHours(1), T0.plusSeconds(61 * 60));

    // then it is kept first (its writer may be alive there), removed second
    assertThat(keptEarly).isTrue();
    assertThat(early.staleTempFilesRemoved()).isZero();
    assertThat(file).doesNotExist();
    assertThat(late.staleTempFilesRemoved()).isEqualTo(1);
  }

  @Test
  void shouldJudgeALivePidOfAnotherPidNamespaceByAgeAlone() throws IOException {
    // given an old file named after this process's pid and host name, but another pid namespace (a container
    // with the host's name): that pid says nothing about its writer
    String prefix = FileBlobStore.tempPrefix();
    String tag = prefix.substring(prefix.indexOf('@') + 1, prefix.length() - 1);
    String otherNamespace = tag.substring(0, tag.lastIndexOf('.')) + ".1";
    Path file = temp("put-" + ProcessHandle.current().pid() + "@" + otherNamespace + "-3.part", T0);

    // when opened before and after the stale age
    new FileBlobStore(root, Files::newOutputStream, Duration.ofHours(1), T0.plusSeconds(60));
    boolean keptYoung = Files.exists(file);
    new FileBlobStore(root, Files::newOutputStream, Duration.ofHours(1), T0.plusSeconds(7200));

    // then
    assertThat(tag).matches("[A-Za-z0-9.]*\\.[0-9]+");
    assertThat(keptYoung).isTrue();
    assertThat(file).doesNotExist();
  }

  @Test
  void shouldJudgeAFileWithoutAWriterNameByItsAgeAlone() throws IOException {
    // given a file named the way older versions named them, a stray file, and a directory
    Path legacy = temp("put-8123456.part", T0);
    Path stray = temp("notes.txt", T0.plusSeconds(3600));
    Path dir = Files.createDirectories(root.resolve("tmp").resolve("put-1@x-1.part"));

    // when opened two hours after T0 with a stale age of 90 minutes
    FileBlobStore store =
        new FileBlobStore(root, Files::newOutputStream, Duration.ofMinutes(90), T0.plusSeconds(7200));

    // then only the old file goes; directories are never touched
    assertThat(legacy).doesNotExist();
    assertThat(stray).exists();
    assertThat(dir).isDirectory();
    assertThat(store.staleTempFilesRemoved()).isEqualTo(1);
  }

  @Test
  void shouldLetAPutInProgressFinishWhenAnotherStoreOpensOnTheSameRoot() throws IOException {
    // given a put that, halfway (its temporary file exists), sees another store open on the same root
    AtomicReference<FileBlobStore> other = new AtomicReference<>();
    FileBlobStore store = new FileBlobStore(root, t -> {
      other.set(new FileBlobStore(root, Files::newOutputStream, Duration.ZERO, Instant.now().plusSeconds(3600)));
      return Files.newOutputStream(t);
    });

    // when
    BlobRef ref = store.put("in progress".getBytes(StandardCharsets.UTF_8));

    // then the live writer's file survived the other store's cleanup, even with a stale age of zero
    assertThat(other.get().staleTempFilesRemoved()).isZero();
    assertThat(store.get(ref.sha256())).asString(StandardCharsets.UTF_8).isEqualTo("in progress");
  }

  private Path temp(String name, Instant modified) throws IOException {
    Path file = Files.writeString(Files.createDirectories(root.resolve("tmp")).resolve(name), "partial");
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }
}
