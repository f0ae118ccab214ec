package io.adaptstream.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.cli.AdaptCli;
import io.adaptstream.schemas.TopicCatalogue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

class JavaCommandTest {

  @Test
  void shouldStartAChildJvmThatLoadsThisModuleItsModulesAndItsLibrariesWhenGivenThisClassPath() throws Exception {
    // given a child JVM started the way local mode starts the broker and a detached local up
    List<String> names = List.of(AdaptCli.class.getName(), TopicCatalogue.class.getName(),
        KafkaProducer.class.getName(), ClassPathProbe.class.getName());
    List<String> cmd = new ArrayList<>(List.of(JavaCommand.javaExecutable(), "-cp", JavaCommand.classPath(),
        ClassPathProbe.class.getName()));
    cmd.addAll(names);

    // when it runs
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    // then it finds this module's classes, another module's, a library's and a test class
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(out).isZero();
    assertThat(out.lines().toList()).containsExactlyElementsOf(names.stream().map(n -> "found " + n).toList());
  }

  @Test
  void shouldGiveAbsoluteClassPathEntriesWhenTheChildRunsElsewhere() {
    assertThat(JavaCommand.classPath().split(java.io.File.pathSeparator))
        .isNotEmpty()
        .allSatisfy(entry -> assertThat(java.nio.file.Path.of(entry)).isAbsolute());
  }
}
