package io.adaptstream.localregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.adaptstream.schemas.Backoff;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import io.adaptstream.schemas.registry.SchemaRegistryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry that goes away and comes back: callers wait (bounded), then carry on or fail naming it. */
class SchemaRegistryOutageTest {

  private static final Schema V1 = SchemaBuilder.record("Thing").namespace("t").fields()
      .requiredString("name").endRecord();
  private static final Schema V2 = SchemaBuilder.record("Thing").namespace("t").fields()
      .requiredString("name").optionalInt("size").endRecord();

  @TempDir Path dir;

  @Test
  void shouldWaitAndCompleteWhenTheRegistryComesBackWithinTheMaxWait() throws Exception {
    // given a registry that knows V1, then stops
    Path state = dir.resolve("registry.json");
    LocalSchemaRegistry registry = LocalSchemaRegistry.start(0, state);
    int port = registry.port();
    int v1 = new SchemaRegistryClient(registry.url()).register("things-value", V1);
    registry.close();
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url(),
        Backoff.within(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(30)));

    // when a service registers V2 and reads V1 during the outage
    CompletableFuture<Integer> v2 = CompletableFuture.supplyAsync(() -> client.register("things-value", V2));
    await().atMost(Duration.ofSeconds(20)).until(() -> client.retries() >= 2);
    assertThat(v2).isNotDone();

    // and the registry comes back on the same port with its state
    try (LocalSchemaRegistry back = LocalSchemaRegistry.start(port, state)) {
      // then the call completes after retrying, and the registry holds V2 under the id returned
      int id = v2.get(20, TimeUnit.SECONDS);
      assertThat(id).isNotEqualTo(v1);
      assertThat(new SchemaRegistryClient(back.url()).getById(id)).isEqualTo(V2);
      assertThat(client.getById(v1)).isEqualTo(V1);
    }
  }

  @Test
  void shouldFailNamingTheRegistryAndTheRequestWhenItStaysDownPastTheMaxWait() throws Exception {
    // given a registry address where nothing listens
    LocalSchemaRegistry gone = LocalSchemaRegistry.start();
    String url = gone.url();
    gone.close();
    Backoff backoff = Backoff.within(Duration.ofMillis(20), Duration.ofMillis(80), Duration.ofMillis(300));
    SchemaRegistryClient client = new SchemaRegistryClient(url, backoff);

    // when / then
    assertThatThrownBy(() -> client.register("things-value", V1))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.unavailable()).isTrue())
        .hasMessageContaining("schema registry at " + url + "/ is unavailable")
        .hasMessageContaining("POST subjects/things-value/versions")
        .hasMessageContaining("failed " + backoff.maxAttempts() + " time(s)");
    assertThat(client.retries()).isEqualTo(backoff.maxAttempts() - 1);
  }

  @Test
  void shouldNotRetryWhenTheRegistryAnswersNo() throws Exception {
    try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
      SchemaRegistryClient client = new SchemaRegistryClient(registry.url());

      assertThatThrownBy(() -> client.getById(4242))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.unavailable()).isFalse();
          });
      assertThat(client.retries()).isZero();
    }
  }
}
