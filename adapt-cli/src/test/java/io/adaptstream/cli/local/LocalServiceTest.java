package io.adaptstream.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.adaptstream.cli.run.Deployment;
import io.adaptstream.cli.serve.RunnableService;
import io.adaptstream.cli.serve.ServiceLauncher;
import io.adaptstream.cli.serve.ServiceSpec;
import io.adaptstream.runtime.config.ServiceConfig;
import io.adaptstream.schemas.TopicCatalogue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalServiceTest {

  @TempDir
  Path tmp;

  private LocalContext context() {
    return new LocalContext(LocalLayout.of(tmp),
        Deployment.local("127.0.0.1:19092", "http://127.0.0.1:18081", tmp.resolve("blobs")));
  }

  @Test
  void shouldGiveServicesTheCommonSettingsEveryDefaultServiceAccepts() {
    Map<String, String> settings = context().serviceSettings();

    assertThat(settings).containsEntry("bootstrap.servers", "127.0.0.1:19092")
        .containsEntry("schema.registry.url", "http://127.0.0.1:18081")
        .containsEntry("data.partitions", "3")
        .doesNotContainKey("blob.store");
    ServiceLauncher launcher = ServiceLauncher.defaults();
    Map<String, String> withBlobs = new java.util.HashMap<>(settings);
    withBlobs.put(ServiceConfig.BLOB_STORE, context().deployment().requireBlobStore().toString());
    launcher.check("selector", settings);
    List.of("ingest", "scoring", "trainer").forEach(name -> launcher.check(name, withBlobs));
    assertThat(context().deployment().blobStore()).contains(tmp.resolve("blobs"));
  }

  @Test
  void shouldRunALauncherServiceOnItsOwnThreadUntilClosed() throws Exception {
    // given a service that runs until closed
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch stop = new CountDownLatch(1);
    ConfigDef keys = ServiceConfig.common().define(ServiceConfig.BLOB_STORE, ConfigDef.Type.STRING,
        ConfigDef.Importance.HIGH, "blobs");
    ServiceLauncher launcher = ServiceLauncher.empty().with(new ServiceSpec("waiter", "test", keys, (s, meters) -> {
      seen.set(s);
      return new RunnableService() {
        @Override
        public void run() throws InterruptedException {
          running.countDown();
          stop.await();
        }

        @Override
        public void close() {
          stop.countDown();
        }
      };
    }));
    LocalService local = LocalService.fromLauncher(launcher, "waiter", ctx -> {
      Map<String, String> m = new java.util.HashMap<>(ctx.serviceSettings());
      m.put(ServiceConfig.BLOB_STORE, ctx.deployment().requireBlobStore().toString());
      return m;
    });

    // when local mode starts it
    AutoCloseable handle = local.start(context());

    // then it runs with local mode's settings, and closing it ends its thread
    await().atMost(Duration.ofSeconds(10)).until(() -> running.getCount() == 0);
    assertThat(seen.get()).containsEntry("blob.store", tmp.resolve("blobs").toString());
    assertThat(((LocalService.ThreadedService) handle).isRunning()).isTrue();
    handle.close();
    assertThat(((LocalService.ThreadedService) handle).isRunning()).isFalse();
    assertThat(((LocalService.ThreadedService) handle).failure()).isNull();
  }
}
