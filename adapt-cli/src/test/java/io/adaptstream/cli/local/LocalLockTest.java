package io.adaptstream.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLockTest {

  @TempDir
  Path tmp;

  @Test
  void shouldGiveTheLockToOneHolderAtATime() {
    Path file = tmp.resolve(".lock");

    Optional<LocalLock> first = LocalLock.tryAcquire(file);
    Optional<LocalLock> second = LocalLock.tryAcquire(file);

    assertThat(first).isPresent();
    assertThat(second).isEmpty();
    assertThat(LocalLock.isHeld(file)).isTrue();

    first.get().close();

    assertThat(LocalLock.isHeld(file)).isFalse();
    try (LocalLock again = LocalLock.tryAcquire(file).orElseThrow()) {
      assertThat(again).isNotNull();
    }
  }
}
