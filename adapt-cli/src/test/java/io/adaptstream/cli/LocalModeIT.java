package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adaptstream.avro.DeadLetter;
import io.adaptstream.cli.local.LocalLayout;
import io.adaptstream.cli.local.LocalMode;
import io.adaptstream.cli.local.LocalProbe;
import io.adaptstream.cli.local.LocalProcesses;
import io.adaptstream.cli.local.LocalState;
import io.adaptstream.schemas.TopicCatalogue;
import io.adaptstream.schemas.registry.SchemaRegistryClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode through the real command, in child JVMs, on one data directory: start in the background,
 * use it, attach, stop, restart with the data kept, and recover from an owner killed outright.
 *
 * <p>The tests run in order and share the directory because each broker start costs seconds; three starts
 * cover the whole life cycle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class LocalModeIT {

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path work;

  private LocalLayout layout;
  private String dir;
  private LocalState firstRun;
  private int schemaId;

  @BeforeAll
  void createDataDir() {
    layout = LocalLayout.of(work.resolve("data"));
    dir = layout.dir().toString();
  }

  @AfterAll
  void stopWhateverIsLeft() {
    LocalMode.down(layout, new PrintWriter(new StringWriter()));
  }

  private CliProcess.Result adapt(String... args) throws Exception {
    return CliProcess.run(work, COMMAND_TIMEOUT, args);
  }

  private LocalState state() {
    return LocalState.read(layout).orElseThrow(() -> new AssertionError("no " + layout.state()));
  }

  @Test
  @Order(1)
  void shouldStartInTheBackgroundAndReportRunning() throws Exception {
    CliProcess.Result up = adapt("local", "up", "--detach", "--data-dir", dir);

    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.output()).contains("ready in", "127.0.0.1:", "running in the background");
    firstRun = state();
    assertThat(LocalProcesses.alive(firstRun.ownerPid())).isPresent();
    assertThat(LocalProcesses.alive(firstRun.brokerPid())).get()
        .matches(p -> LocalProcesses.isBroker(p, layout), "is this directory's broker");

    CliProcess.Result status = adapt("local", "status", "--data-dir", dir, "--json");
    assertThat(status.exitCode()).as(status.output()).isZero();
    JsonNode json = JSON.readTree(status.output());
    assertThat(json.get("running").asBoolean()).isTrue();
    assertThat(json.get("bootstrapServers").asText()).isEqualTo(firstRun.bootstrapServers());
    assertThat(json.get("topics").asInt()).isGreaterThanOrEqualTo(TopicCatalogue.defaults().all().size());
  }

  @Test
  @Order(2)
  void shouldCarryRecordsAndSchemasThroughTheAddressesInLocalJson() throws Exception {
    TopicCatalogue topics = TopicCatalogue.defaults();
    try (LocalProbe probe = new LocalProbe(firstRun.bootstrapServers())) {
      Map<String, TopicDescription> described = probe.admin()
          .describeTopics(topics.all().stream().map(t -> t.name()).toList()).allTopicNames().get();
      assertThat(described.get(topics.ingest.name()).partitions()).hasSize(3);
      assertThat(described.get(topics.releases.name()).partitions()).hasSize(1);
    }

    schemaId = RoundTrip.produceAndReadBack(firstRun.bootstrapServers(), firstRun.schemaRegistryUrl(), topics.dlq,
        "it/1", RoundTrip.deadLetter("before-restart"));

    assertThat(new SchemaRegistryClient(firstRun.schemaRegistryUrl()).getById(schemaId))
        .isEqualTo(DeadLetter.getClassSchema());
  }

  @Test
  @Order(3)
  void shouldAttachToTheRunningInstanceInsteadOfStartingAnother() throws Exception {
    Path out = work.resolve("attach.out");
    CliProcess attached = CliProcess.start(out, "local", "up", "--data-dir", dir);

    await().atMost(COMMAND_TIMEOUT).until(() -> attached.output().contains("attached"));
    assertThat(attached.output()).contains("already running (pid " + firstRun.ownerPid() + ") at "
        + firstRun.bootstrapServers());
    assertThat(attached.handle().isAlive()).as("stays attached").isTrue();
    assertThat(LocalProcesses.brokersOf(layout)).hasSize(1);

    // Ctrl-C/SIGTERM only detaches
    assertThat(LocalProcesses.terminate(attached.handle(), Duration.ofSeconds(30))).isTrue();
    assertThat(LocalProcesses.alive(firstRun.ownerPid())).isPresent();
    assertThat(LocalProbe.answers(firstRun.bootstrapServers())).isTrue();
  }

  @Test
  @Order(4)
  void shouldLeaveNoProcessAndNoStateFileAfterDown() throws Exception {
    CliProcess.Result down = adapt("local", "down", "--data-dir", dir);

    assertThat(down.exitCode()).as(down.output()).isZero();
    assertThat(down.output()).contains("stopped");
    assertThat(ProcessHandle.of(firstRun.ownerPid()).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(ProcessHandle.of(firstRun.brokerPid()).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(LocalProcesses.brokersOf(layout)).isEmpty();
    assertThat(layout.state()).doesNotExist();
    assertThat(adapt("local", "status", "--data-dir", dir).exitCode()).isEqualTo(AdaptCli.EXIT_NOT_RUNNING);
  }

  @Test
  @Order(5)
  void shouldKeepTopicsRecordsAndSchemaIdsAcrossARestart() throws Exception {
    CliProcess.Result up = adapt("local", "up", "--detach", "--data-dir", dir);
    assertThat(up.exitCode()).as(up.output()).isZero();
    LocalState second = state();

    assertThat(second.bootstrapServers()).isEqualTo(firstRun.bootstrapServers());
    assertThat(second.schemaRegistryUrl()).isEqualTo(firstRun.schemaRegistryUrl());
    TopicCatalogue topics = TopicCatalogue.defaults();
    assertThat(RoundTrip.readAll(second.bootstrapServers(), topics.dlq.name()))
        .anyMatch(r -> "it/1".equals(r.key()));
    SchemaRegistryClient registry = new SchemaRegistryClient(second.schemaRegistryUrl());
    assertThat(registry.getById(schemaId)).isEqualTo(DeadLetter.getClassSchema());
    assertThat(RoundTrip.produceAndReadBack(second.bootstrapServers(), second.schemaRegistryUrl(), topics.dlq, "it/2",
        RoundTrip.deadLetter("after-restart"))).isEqualTo(schemaId);
  }

  @Test
  @Order(6)
  void shouldCleanUpTheBrokerOfAKilledOwnerAndStartAfresh() throws Exception {
    // given an owner killed outright: its broker survives and local.json is stale
    LocalState killed = state();
    ProcessHandle owner = LocalProcesses.alive(killed.ownerPid()).orElseThrow();
    owner.destroyForcibly();
    assertThat(LocalProcesses.awaitExit(owner, Duration.ofSeconds(30))).isTrue();
    assertThat(LocalProcesses.brokersOf(layout)).extracting(ProcessHandle::pid).containsExactly(killed.brokerPid());
    CliProcess.Result status = adapt("local", "status", "--data-dir", dir);
    assertThat(status.exitCode()).isEqualTo(AdaptCli.EXIT_NOT_RUNNING);
    assertThat(status.output()).contains("owner pid " + killed.ownerPid() + " is gone",
        "leftover broker (pid " + killed.brokerPid() + ")");

    // when local mode is started again
    CliProcess.Result up = adapt("local", "up", "--detach", "--data-dir", dir);

    // then the leftover broker was stopped and a new instance runs with the data kept
    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(Files.readString(layout.ownerLog())).contains("stopping a leftover broker (pid " + killed.brokerPid());
    assertThat(ProcessHandle.of(killed.brokerPid()).filter(ProcessHandle::isAlive)).isEmpty();
    LocalState fresh = state();
    assertThat(Set.of(fresh.ownerPid(), fresh.brokerPid())).doesNotContain(killed.ownerPid(), killed.brokerPid());
    assertThat(LocalProcesses.brokersOf(layout)).extracting(ProcessHandle::pid).containsExactly(fresh.brokerPid());
    assertThat(RoundTrip.readAll(fresh.bootstrapServers(), TopicCatalogue.defaults().dlq.name()))
        .extracting(r -> r.key()).containsExactlyInAnyOrder("it/1", "it/2");

    CliProcess.Result down = adapt("local", "down", "--data-dir", dir);
    assertThat(down.exitCode()).as(down.output()).isZero();
    assertThat(LocalProcesses.brokersOf(layout)).isEmpty();
    assertThat(List.of(fresh.ownerPid(), fresh.brokerPid()))
        .allMatch(pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty());
  }
}
