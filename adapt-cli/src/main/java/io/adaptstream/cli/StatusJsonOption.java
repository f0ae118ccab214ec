package io.adaptstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.function.BiConsumer;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code --json} of the commands that report ({@code adapt status}, {@code adapt local status},
 * {@code adapt explain}): the same switch, help and JSON layout (one indented object) for all, so a script reads
 * them alike.
 */
public final class StatusJsonOption {

  /** The JSON both status commands build their objects with. */
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--json", description = "Print the answer as one JSON object.")
  boolean json;

  /** Prints {@code status} as one JSON object with {@code --json}, else as text. */
  <T> void print(PrintWriter out, T status, Function<T, ? extends JsonNode> asJson,
      BiConsumer<PrintWriter, T> asText) throws JsonProcessingException {
    if (json) {
      out.println(JSON.writeValueAsString(asJson.apply(status)));
    } else {
      asText.accept(out, status);
    }
  }
}
