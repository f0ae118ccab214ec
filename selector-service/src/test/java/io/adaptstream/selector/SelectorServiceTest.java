package io.adaptstream.selector;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.schemas.registry.SchemaRegistryException;
import java.net.ConnectException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class SelectorServiceTest {

  @Test
  void shouldReplaceTheStreamThreadWhenTheRegistryStaysUnavailablePastItsWait() {
    // given a task that failed because the registry did not answer, wrapped as Kafka Streams wraps it
    Throwable failure = new StreamsException("task 0_1 failed",
        new SchemaRegistryException("schema registry at http://127.0.0.1:8081/ is unavailable",
            new ConnectException("Connection refused")));

    // when the stream thread dies of it, then the thread is replaced and reads the record again
    assertThat(SelectorService.onStreamThreadFailure(failure)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
  }

  @Test
  void shouldStopTheInstanceWhenAThreadFailsForAnyOtherReason() {
    // given failures that waiting cannot mend: a bug, and a registry that answered "no"
    Throwable bug = new StreamsException("task 0_1 failed", new IllegalStateException("broken invariant"));
    Throwable refused = new StreamsException("task 0_1 failed",
        new SchemaRegistryException(422, 42201, "invalid schema"));

    // then the instance stops
    assertThat(SelectorService.onStreamThreadFailure(bug)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    assertThat(SelectorService.onStreamThreadFailure(refused))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }
}
