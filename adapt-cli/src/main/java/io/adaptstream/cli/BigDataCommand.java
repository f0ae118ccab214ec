package io.adaptstream.cli;

import io.adaptstream.benchmark.BigDataset;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code adapt big-data}: writes one large dataset file, to show that publishing stays within a fixed heap
 * whatever the file's size ({@code benchmark/scripts/publish-memory.sh} runs it and measures the publish).
 */
@Command(name = "big-data", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Generate one large dataset file (a LLaVA JSON array or JSONL) for the publish memory benchmark:",
        "valid entries with long text, " + BigDataset.IMAGES + " small PNG images referenced again and again, "
            + "about 1%% exact duplicates and 2%% bad entries of 8 kinds (each with a known rejection reason).",
        "Written entry by entry (any size in a few KB of heap); the same seed and size give the same bytes.",
        "Prints one JSON line: the file, its bytes and entries, and the counts a correct publish reports.", ""},
    footer = {"", "Example (then publish it with a small heap and compare the counts):",
        "  adapt big-data --out /tmp/big --size 1g --format llava",
        "  ADAPT_JAVA_OPTS=-Xmx256m adapt publish --release big /tmp/big/big.json --json",
        "benchmark/scripts/publish-memory.sh does both and records the publishing JVM's peak RSS."})
final class BigDataCommand implements Callable<Integer> {

  private static final Pattern SIZE = Pattern.compile("([1-9][0-9]*)([kmg]?)");

  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output directory (created): DIR/big.json or DIR/big.jsonl, and DIR/images.")
  Path out;

  @Option(names = "--size", defaultValue = "1g", paramLabel = "SIZE",
      description = "Size of the file, at least (e.g. 200m, 1g; default: ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--format", defaultValue = "llava", paramLabel = "llava|jsonl",
      description = "llava: one JSON array; jsonl: one entry per line (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    BigDataset.Layout layout = switch (format.trim().toLowerCase(Locale.ROOT)) {
      case "llava" -> BigDataset.Layout.ARRAY;
      case "jsonl" -> BigDataset.Layout.LINES;
      default -> throw new ParameterException(spec.commandLine(),
          "unknown format '" + format + "': use llava or jsonl");
    };
    long bytes = parseSize(size);
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new ParameterException(spec.commandLine(), "--out " + out + " is a file, not a directory");
    }
    BigDataset.Summary summary = BigDataset.generate(out, layout, bytes, seed);
    PrintWriter pw = spec.commandLine().getOut();
    pw.println(summary.toJson());
    pw.flush();
    return AdaptCli.EXIT_OK;
  }

  private long parseSize(String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ParameterException(spec.commandLine(), "--size must look like 200m or 1g, got " + value);
    }
    long unit = switch (m.group(2)) {
      case "k" -> 1L << 10;
      case "m" -> 1L << 20;
      case "g" -> 1L << 30;
      default -> 1L;
    };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new ParameterException(spec.commandLine(), "--size " + value + " is too large");
    }
  }
}
