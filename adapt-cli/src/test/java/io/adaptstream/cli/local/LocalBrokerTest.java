package io.adaptstream.cli.local;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalBrokerTest {

  @Test
  void shouldRefuseABrokerOfAnotherClusterWhenItAnswersOnOurPort() {
    // given our directory's cluster id, and a broker of another cluster answering on our port
    String ours = "q1Sh-9_ITa6sN0TCzRdXSw";
    Optional<String> answered = Optional.of("MkU3OEVBNTcwNTJENDM2Qg");

    // when checked, then local mode stops with both ids and what to do
    assertThatThrownBy(() -> LocalBroker.checkCluster(answered, ours, 19092))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:19092 answers for another Kafka cluster (id MkU3OEVBNTcwNTJENDM2Qg)")
        .hasMessageContaining("not this directory's (id " + ours + ")")
        .hasMessageContaining("give this directory other ports");
  }

  @Test
  void shouldAcceptOurOwnClusterWhenItAnswers() {
    // given, when, then: our own broker, or one that did not name its cluster (the check cannot tell)
    assertThatCode(() -> LocalBroker.checkCluster(Optional.of("abc"), "abc", 19092)).doesNotThrowAnyException();
    assertThatCode(() -> LocalBroker.checkCluster(Optional.empty(), "abc", 19092)).doesNotThrowAnyException();
  }
}
