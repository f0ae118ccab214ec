package io.adaptstream.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSettingsTest {

  @TempDir
  Path tmp;

  @Test
  void shouldChooseOnFirstStartAndReuseTheSameSettingsLater() {
    LocalLayout layout = LocalLayout.of(tmp);

    LocalSettings first = LocalSettings.loadOrCreate(layout);
    LocalSettings again = LocalSettings.loadOrCreate(layout);

    assertThat(layout.settings()).exists();
    assertThat(again).isEqualTo(first);
    assertThat(first.clusterId()).hasSize(22);
    assertThat(java.util.Set.of(first.brokerPort(), first.controllerPort(), first.registryPort())).hasSize(3);
  }

  @Test
  void shouldPickAnotherPortWhenThePreferredOneIsTaken() throws Exception {
    try (ServerSocket taken = takePreferredBrokerPortIfFree()) {
      LocalSettings s = LocalSettings.choose();

      assertThat(s.brokerPort()).isNotEqualTo(taken.getLocalPort());
      assertThat(s.brokerPort()).isNotEqualTo(LocalSettings.PREFERRED_BROKER_PORT);
      assertThat(LocalSettings.isFree(s.brokerPort())).isTrue();
    }
  }

  @Test
  void shouldRefuseDamagedSettingsWithAHint() throws Exception {
    LocalLayout layout = LocalLayout.of(tmp);
    Files.writeString(layout.settings(), "cluster.id=abc\nbroker.port=x\ncontroller.port=1\nregistry.port=2\n");

    assertThatThrownBy(() -> LocalSettings.loadOrCreate(layout))
        .hasMessageContaining("is damaged").hasMessageContaining("delete the data directory");
  }

  @Test
  void shouldConfigureAOneNodeBrokerOnLoopbackWithoutTopicAutoCreation() {
    LocalLayout layout = LocalLayout.of(tmp);
    LocalSettings s = new LocalSettings("id", 1001, 1002, 1003);

    Properties p = s.serverProperties(layout);

    assertThat(p.getProperty("process.roles")).isEqualTo("broker,controller");
    assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:1001,CONTROLLER://127.0.0.1:1002");
    assertThat(p.getProperty("controller.quorum.bootstrap.servers")).isEqualTo("127.0.0.1:1002");
    assertThat(p.getProperty("log.dirs")).isEqualTo(tmp.resolve("kafka").toString());
    assertThat(p).containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("share.coordinator.state.topic.replication.factor", "1")
        .containsEntry("share.coordinator.state.topic.min.isr", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("auto.create.topics.enable", "false");
    assertThat(s.bootstrapServers()).isEqualTo("127.0.0.1:1001");
    assertThat(s.registryUrl()).isEqualTo("http://127.0.0.1:1003");
  }

  /** Holds the preferred port so choose() cannot have it (if something else holds it already, fine too). */
  private static ServerSocket takePreferredBrokerPortIfFree() throws Exception {
    if (LocalSettings.isFree(LocalSettings.PREFERRED_BROKER_PORT)) {
      return new ServerSocket(LocalSettings.PREFERRED_BROKER_PORT, 1, InetAddress.getByName(LocalSettings.HOST));
    }
    return new ServerSocket(0, 1, InetAddress.getByName(LocalSettings.HOST));
  }
}
