package io.adaptstream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of issue 17 that bytecode does not show (a string constant is inlined where it is used, and a
 * {@code package-info.java} without annotations leaves no class file), checked on the source of every module's
 * {@code src/main/java}.
 */
class SourceConventionsTest {

  private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
  /** A config key constant: {@code public static final String NAME = "dotted.key";} in a {@code *Config} class. */
  private static final Pattern CONFIG_KEY = Pattern.compile(
      "public static final String (\\w+) = \"([a-z0-9]+(?:\\.[a-z0-9-]+)+)\";");
  private static final String CATALOGUE = "TopicCatalogue.java";

  private static Path root;
  private static List<Path> mainSources;

  @BeforeAll
  static void findSources() throws IOException {
    // the tests run in adapt-cli; the project root is its parent (the pom that lists the modules)
    root = Path.of("").toAbsolutePath().getParent();
    assertThat(Files.readString(root.resolve("pom.xml"))).contains("<module>adapt-cli</module>");
    try (Stream<Path> files = Files.walk(root)) {
      mainSources = files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> root.relativize(p).toString().replace('\\', '/').matches("[^/]+/src/main/java/.*"))
          .sorted()
          .toList();
    }
    assertThat(mainSources).hasSizeGreaterThan(100);
  }

  @Test
  void shouldDocumentEveryMainPackageWithAPackageInfoWhenAPackageIsAdded() {
    Set<Path> packages = new TreeSet<>();
    for (Path source : mainSources) {
      packages.add(source.getParent());
    }
    List<String> undocumented = packages.stream()
        .filter(dir -> !Files.isRegularFile(dir.resolve("package-info.java")))
        .map(dir -> root.relativize(dir).toString())
        .toList();

    assertThat(undocumented).as("main packages without a package-info.java saying why they exist").isEmpty();
  }

  @Test
  void shouldNameTopicsOnlyInTheCatalogueWhenCodeReadsOrWritesATopic() {
    // given every spelling of a topic name that code could use: the full default names, the catalogue's suffixes
    // with a separator in them, and any suffix joined on with a dot
    TopicCatalogue catalogue = TopicCatalogue.defaults();
    Set<String> spellings = new HashSet<>();
    for (Topic<?> topic : catalogue.all()) {
      String suffix = topic.name().substring(catalogue.prefix().length() + 1);
      spellings.add(topic.name());
      spellings.add(catalogue.withRun("r1").all().stream().map(Topic::name)
          .filter(n -> n.endsWith("." + suffix)).findFirst().orElseThrow());
      spellings.add("." + suffix);
      if (suffix.contains(".") || suffix.contains("-")) {
        spellings.add(suffix);
      }
    }
    assertThat(spellings).contains("score-requests", "selector.by-cluster", "adapt.scores", ".scores");

    // when the main sources outside the catalogue are scanned (config key constants may share a topic's words)
    List<String> offenders = new ArrayList<>();
    for (Path source : mainSources) {
      if (source.getFileName().toString().equals(CATALOGUE)) {
        continue;
      }
      forEachLiteral(source, (line, literal) -> {
        if (spellings.contains(literal) && !CONFIG_KEY.matcher(line.trim()).matches()) {
          offenders.add(root.relativize(source) + ": \"" + literal + "\"");
        }
      });
    }

    // then none spells a topic name
    assertThat(offenders).as("topic names spelled outside " + CATALOGUE).isEmpty();
  }

  @Test
  void shouldDeclareEachConfigKeyOnceAndUseItsConstantWhenCodeSetsOrReadsASetting() {
    // given every dotted config key constant of the *Config classes
    Map<String, List<String>> declarations = new TreeMap<>();
    for (Path source : mainSources) {
      if (!source.getFileName().toString().endsWith("Config.java")) {
        continue;
      }
      Matcher m = CONFIG_KEY.matcher(read(source));
      while (m.find()) {
        declarations.computeIfAbsent(m.group(2), k -> new ArrayList<>())
            .add(source.getFileName() + "." + m.group(1));
      }
    }
    assertThat(declarations).containsKeys("bootstrap.servers", "selector.budget");

    // when every main source is scanned for the keys' values as literals outside their declaration
    List<String> literals = new ArrayList<>();
    for (Path source : mainSources) {
      if (source.getFileName().toString().equals(CATALOGUE)) {
        continue; // topic suffixes, checked above; one ("selector.reservoir") is also a key's value
      }
      boolean config = source.getFileName().toString().endsWith("Config.java");
      forEachLiteral(source, (line, literal) -> {
        if (declarations.containsKey(literal) && !(config && CONFIG_KEY.matcher(line.trim()).matches())) {
          literals.add(root.relativize(source) + ": \"" + literal + "\"");
        }
      });
    }

    // then each key has one constant, and everything else refers to it
    Map<String, List<String>> repeated = new TreeMap<>(declarations);
    repeated.values().removeIf(where -> where.size() == 1);
    assertThat(repeated).as("config keys declared by more than one constant").isEmpty();
    assertThat(literals).as("config keys written as string literals").isEmpty();
  }

  private interface LiteralVisitor {
    void visit(String line, String literal);
  }

  private static void forEachLiteral(Path source, LiteralVisitor visitor) {
    for (String line : read(source).split("\n")) {
      String code = line.trim();
      if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) {
        continue;
      }
      Matcher m = STRING_LITERAL.matcher(line);
      while (m.find()) {
        visitor.visit(line, m.group(1));
      }
    }
  }

  private static String read(Path source) {
    try {
      return Files.readString(source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
