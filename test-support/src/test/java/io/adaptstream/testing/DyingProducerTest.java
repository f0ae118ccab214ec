package io.adaptstream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DyingProducerTest {

  @Test
  void shouldSendWhatCameBeforeAndFailEveryCallAfterWhenItDiesAtASend() {
    // given a producer that dies at its 3rd send
    MockProducer<String, String> real = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    DyingProducer<String, String> producer = DyingProducer.atSend(real, "the publisher", 2);

    // when three records are sent
    producer.send(new ProducerRecord<>("t", "a", "1"));
    producer.send(new ProducerRecord<>("t", "b", "2"));
    assertThatThrownBy(() -> producer.send(new ProducerRecord<>("t", "c", "3")))
        .hasMessage("simulated crash: the publisher is dead");

    // then the first two reached the delegate, the third did not, and it stays dead
    assertThat(real.history()).extracting(ProducerRecord::key).containsExactly("a", "b");
    assertThat(producer.isDead()).isTrue();
    assertThatThrownBy(producer::flush).hasMessage("simulated crash: the publisher is dead");
  }

  @Test
  void shouldLeaveTheTransactionOpenWhenItDiesAtACommit() {
    // given a transactional producer that dies at its 2nd commit
    MockProducer<String, String> real = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    DyingProducer<String, String> producer = DyingProducer.atCommit(real, "the scoring worker", 1);
    producer.initTransactions();
    producer.beginTransaction();
    producer.send(new ProducerRecord<>("t", "a", "1"));
    producer.commitTransaction();

    // when the second transaction is committed
    producer.beginTransaction();
    producer.send(new ProducerRecord<>("t", "b", "2"));
    assertThatThrownBy(producer::commitTransaction).hasMessage("simulated crash: the scoring worker is dead");

    // then the first transaction is committed, the second is still open (neither committed nor aborted)
    assertThat(real.commitCount()).isEqualTo(1);
    assertThat(real.transactionInFlight()).isTrue();
    assertThat(real.transactionAborted()).isFalse();
    assertThat(producer.isDead()).isTrue();
  }
}
