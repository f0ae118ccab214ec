package io.adaptstream.runtime;

import org.apache.kafka.common.KafkaException;

/**
 * A {@link TopicReader} read that could not reach the end of its topic: the end offsets could not be listed, or the
 * end was not reached within the read's timeout (a transaction another producer has open holds a read_committed
 * reader back). Its own type so that a service can tell "my view of the topic is incomplete" from other client
 * failures and say what to do (publishing again, restarting).
 */
public class ReadIncompleteException extends KafkaException {

  private static final long serialVersionUID = 1L;

  public ReadIncompleteException(String message) {
    super(message);
  }

  public ReadIncompleteException(String message, Throwable cause) {
    super(message, cause);
  }
}
