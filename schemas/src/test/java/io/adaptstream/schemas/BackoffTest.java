package io.adaptstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BackoffTest {

  @Test
  void shouldFitAsManyDoublingPausesAsTheMaxWaitHolds() {
    // pauses 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000 add up to 26.2 s; one more would pass 30 s
    Backoff backoff = Backoff.within(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30));

    assertThat(backoff.maxAttempts()).isEqualTo(10);
    assertThat(backoff.totalWait()).isEqualTo(Duration.ofMillis(26_200));
  }

  @Test
  void shouldTryOnceWhenTheMaxWaitIsZero() {
    assertThat(Backoff.within(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ZERO).maxAttempts())
        .isEqualTo(1);
  }

  @Test
  void shouldRetryOnlyWhatThePredicateAcceptsAndReturnTheFirstSuccess() {
    Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), 5);
    AtomicInteger calls = new AtomicInteger();

    String result = backoff.call("test", e -> e instanceof IllegalStateException,
        LoggerFactory.getLogger(BackoffTest.class), () -> {
          if (calls.incrementAndGet() < 3) {
            throw new IllegalStateException("not yet");
          }
          return "done";
        });

    assertThat(result).isEqualTo("done");
    assertThat(calls).hasValue(3);
  }

  @Test
  void shouldThrowTheLastFailureOnceTheAttemptsAreSpentAndNotRetryOthers() {
    Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), 3);
    AtomicInteger calls = new AtomicInteger();
    var log = LoggerFactory.getLogger(BackoffTest.class);

    assertThatThrownBy(() -> backoff.call("test", e -> e instanceof IllegalStateException, log, () -> {
      throw new IllegalStateException("down " + calls.incrementAndGet());
    })).hasMessage("down 3");
    assertThatThrownBy(() -> backoff.call("test", e -> e instanceof IllegalStateException, log, () -> {
      calls.incrementAndGet();
      throw new IllegalArgumentException("bad");
    })).isInstanceOf(IllegalArgumentException.class);
    assertThat(calls).hasValue(4);
  }
}
