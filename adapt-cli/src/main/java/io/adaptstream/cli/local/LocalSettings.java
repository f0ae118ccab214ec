package io.adaptstream.cli.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * What a local-mode data directory keeps across restarts: its ports and its KRaft cluster id.
 *
 * <p>They are chosen once, on first start, and saved in {@code DIR/local.properties}: the controller's
 * endpoint is written into the formatted KRaft metadata, so a broker restarted on other ports would not find
 * its own quorum. Fixed ports also mean a restarted local mode has the same addresses as before.
 */
public record LocalSettings(String clusterId, int brokerPort, int controllerPort, int registryPort) {

  public static final int PREFERRED_BROKER_PORT = 19092;
  public static final int PREFERRED_CONTROLLER_PORT = 19093;
  public static final int PREFERRED_REGISTRY_PORT = 18081;

  static final String CLUSTER_ID = "cluster.id";
  static final String BROKER_PORT = "broker.port";
  static final String CONTROLLER_PORT = "controller.port";
  static final String REGISTRY_PORT = "registry.port";

  public static final String HOST = "127.0.0.1";

  public String bootstrapServers() {
    return HOST + ":" + brokerPort;
  }

  public String controllerEndpoint() {
    return HOST + ":" + controllerPort;
  }

  public String registryUrl() {
    return "http://" + HOST + ":" + registryPort;
  }

  /** Loads the saved settings, or chooses and saves them on first start. */
  public static LocalSettings loadOrCreate(LocalLayout layout) {
    return load(layout).orElseGet(() -> {
      LocalSettings chosen = choose();
      chosen.save(layout);
      return chosen;
    });
  }

  public static Optional<LocalSettings> load(LocalLayout layout) {
    if (!Files.exists(layout.settings())) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(layout.settings(), StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + layout.settings(), e);
    }
    try {
      return Optional.of(new LocalSettings(required(p, CLUSTER_ID, layout),
          Integer.parseInt(required(p, BROKER_PORT, layout)), Integer.parseInt(required(p, CONTROLLER_PORT, layout)),
          Integer.parseInt(required(p, REGISTRY_PORT, layout))));
    } catch (NumberFormatException e) {
      throw new IllegalStateException(layout.settings() + " is damaged (" + e.getMessage()
          + "); delete the data directory to start over");
    }
  }

  void save(LocalLayout layout) {
    Properties p = new Properties();
    p.setProperty(CLUSTER_ID, clusterId);
    p.setProperty(BROKER_PORT, Integer.toString(brokerPort));
    p.setProperty(CONTROLLER_PORT, Integer.toString(controllerPort));
    p.setProperty(REGISTRY_PORT, Integer.toString(registryPort));
    try {
      Files.createDirectories(layout.dir());
      var tmp = layout.settings().resolveSibling("local.properties.tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "adapt local mode: chosen on first start and reused (the KRaft metadata records the controller "
            + "endpoint); delete the whole directory to start over");
      }
      Files.move(tmp, layout.settings(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + layout.settings(), e);
    }
  }

  /** The preferred ports where free, else free ones; a new random cluster id. */
  static LocalSettings choose() {
    Set<Integer> taken = new HashSet<>();
    int broker = pick(PREFERRED_BROKER_PORT, taken);
    int controller = pick(PREFERRED_CONTROLLER_PORT, taken);
    int registry = pick(PREFERRED_REGISTRY_PORT, taken);
    return new LocalSettings(Uuid.randomUuid().toString(), broker, controller, registry);
  }

  private static int pick(int preferred, Set<Integer> taken) {
    int port = !taken.contains(preferred) && isFree(preferred) ? preferred : anyFree(taken);
    taken.add(port);
    return port;
  }

  /**
   * Whether a server could listen on 127.0.0.1:port right now. With SO_REUSEADDR, as the broker and the
   * registry bind, so connections of a just-stopped instance lingering in TIME_WAIT do not count as taken.
   */
  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int anyFree(Set<Integer> taken) {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
        int port = s.getLocalPort();
        if (!taken.contains(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port on " + HOST, e);
      }
    }
    throw new IllegalStateException("cannot find a free port on " + HOST);
  }

  private static String required(Properties p, String key, LocalLayout layout) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(layout.settings() + " lacks " + key + "; delete the data directory to start over");
    }
    return v.trim();
  }

  /** The broker's configuration: one KRaft node (broker and controller), everything on 127.0.0.1. */
  public Properties serverProperties(LocalLayout layout) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", controllerEndpoint());
    p.setProperty("listeners", "PLAINTEXT://" + bootstrapServers() + ",CONTROLLER://" + controllerEndpoint());
    p.setProperty("advertised.listeners", "PLAINTEXT://" + bootstrapServers() + ",CONTROLLER://" + controllerEndpoint());
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.setProperty("log.dirs", layout.kafkaDir().toString());
    p.setProperty("num.partitions", "1");
    // one node: every internal topic has one replica, or groups and transactions never get a coordinator
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "5");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "5");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // every topic comes from the catalogue; a typo must fail, not create a topic
    p.setProperty("auto.create.topics.enable", "false");
    return p;
  }
}
