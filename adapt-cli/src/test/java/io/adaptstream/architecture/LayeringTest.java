package io.adaptstream.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.adaptstream.schemas.Topic;
import io.adaptstream.schemas.TopicCatalogue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package rules of issue 17, checked on the compiled main classes of every module (this module's
 * test class path holds them all, so a rule broken anywhere fails the build here).
 */
class LayeringTest {

  private static final List<String> SERVICES = List.of(
      "io.adaptstream.ingest", "io.adaptstream.scoring", "io.adaptstream.selector", "io.adaptstream.trainer");

  /**
   * Classes other than {@code *Config} that may still read the environment or a system property, each with why.
   * Only shrink this list.
   */
  static final Map<String, String> ENVIRONMENT_READERS_ALLOWED = Map.of(
      "io.adaptstream.cli.AdaptCli",
      "the entry point fills in slf4j-simple's logging defaults (a library configured only by system properties) "
          + "unless the user set them",
      "io.adaptstream.model.ModelBenchmark",
      "reports whether glibc malloc was tuned (MALLOC_TOP_PAD_) beside its measurements; it configures nothing");

  /** The package of the {@code adapt} commands and their options. */
  private static final String COMMANDS = "io.adaptstream.cli";

  /**
   * Service classes that may still construct a {@link KafkaConsumer} themselves, each with why. Only shrink this
   * list: a service reads a topic to its end with {@code io.adaptstream.runtime.TopicReader}.
   */
  static final Map<String, String> CONSUMER_BUILDERS_ALLOWED = Map.of(
      "io.adaptstream.scoring.ScoringWorker",
      "builds its group-subscribed request consumer and the models consumer it hands to ModelVersions (with "
          + "TopicReader.readerProps); both are closed and woken up by the worker's own lifecycle",
      "io.adaptstream.trainer.TrainerClients",
      "is the trainer's one factory of clients (tests replace it); its consumers use TopicReader.readerProps");

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        // a module's test-jar (blobstore's) is on this class path too: its fixtures are not main classes
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.adaptstream");
  }

  @Test
  void shouldSeeTheMainClassesOfEveryModuleWhenImporting() {
    // given the import, then a rule below cannot pass vacuously because a module is missing from it
    for (String pkg : List.of("io.adaptstream.schemas", "io.adaptstream.runtime", "io.adaptstream.blob", "io.adaptstream.model",
        "io.adaptstream.benchmark", "io.adaptstream.testing", "io.adaptstream.cli", "io.adaptstream.avro")) {
      assertThat(main.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
          .as("main classes of %s imported", pkg).isTrue();
    }
    for (String pkg : SERVICES) {
      assertThat(main.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
          .as("main classes of %s imported", pkg).isTrue();
    }
  }

  @Test
  void shouldKeepKafkaOutOfTheSelectorAlgorithmsWhenAnyAlgorithmChanges() {
    noClasses().that().resideInAPackage("io.adaptstream.selector.algo..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
        .because("the selection algorithms are plain Java, testable and benchmarkable without a broker")
        .check(main);
  }

  @Test
  void shouldKeepEachServiceFreeOfTheOtherServicesWhenTheyShareWork() {
    for (String service : SERVICES) {
      String[] others = SERVICES.stream().filter(s -> !s.equals(service)).map(s -> s + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage(service + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .because("services talk through topics only; shared code belongs in a module below them, and only "
              + "adapt-cli (the composition root) wires them together")
          .check(main);
    }
  }

  @Test
  void shouldKeepTheRuntimeBelowTheServicesWhenItsClientCodeChanges() {
    noClasses().that().resideInAPackage("io.adaptstream.runtime..")
        .should().dependOnClassesThat().resideInAnyPackage(
            SERVICES.stream().map(s -> s + "..").toArray(String[]::new))
        .because("runtime is the services' shared Kafka client code, between schemas and the services: it knows "
            + "no service")
        .check(main);
  }

  @Test
  void shouldMakeProducersAndReadersThroughTheRuntimeWhenAServiceNeedsAKafkaClient() {
    String[] services = SERVICES.stream().map(s -> s + "..").toArray(String[]::new);
    noClasses().that().resideInAnyPackage(services)
        .should().callConstructorWhere(DescribedPredicate.describe("the constructor is KafkaProducer's",
            (JavaConstructorCall call) -> call.getTargetOwner().isAssignableTo(KafkaProducer.class)))
        .because("a service's producers come from runtime's ProducerFactory, which tests replace with one that "
            + "dies mid-transaction")
        .check(main);
    noClasses().that().resideInAnyPackage(services).and(DescribedPredicate.describe("are not allowed",
            (JavaClass c) -> !CONSUMER_BUILDERS_ALLOWED.containsKey(topLevel(c))))
        .should().callConstructorWhere(DescribedPredicate.describe("the constructor is KafkaConsumer's",
            (JavaConstructorCall call) -> call.getTargetOwner().isAssignableTo(KafkaConsumer.class)))
        .because("reading a topic to its end (read_committed, no group, bounded) is runtime's TopicReader")
        .check(main);
  }

  @Test
  void shouldKeepTheCommandLineOnTopWhenAnyModuleChanges() {
    noClasses().that().resideOutsideOfPackage("io.adaptstream.cli..")
        .should().dependOnClassesThat().resideInAPackage("io.adaptstream.cli..")
        .because("adapt-cli is the composition root: it depends on every module and none on it")
        .check(main);
  }

  @Test
  void shouldLeaveKafkaClientsToTheEngineWhenACommandTalksToTheSystem() {
    noClasses().that().resideInAPackage(COMMANDS)
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.clients..", "org.apache.kafka.streams..")
        .because("a command only parses its options, calls the run engine (io.adaptstream.cli.run) or a service's "
            + "job, and prints; the Kafka clients are built there, where tests and other callers reach them too")
        .check(main);
  }

  @Test
  void shouldKeepTheRunEngineFreeOfTheCommandsWhenACommandChanges() {
    noClasses().that().resideInAPackage(COMMANDS + ".run..")
        .should().dependOnClassesThat().resideInAPackage(COMMANDS)
        .because("the engine runs the same from a command, a test or another program: the commands call it, never "
            + "the other way round")
        .check(main);
  }

  @Test
  void shouldKeepTheDashboardFreeOfTheCommandsWhenACommandServesIt() {
    noClasses().that().resideInAPackage(COMMANDS + ".dashboard..")
        .should().dependOnClassesThat().resideInAPackage(COMMANDS)
        .because("the dashboard follows a run from a command (adapt dashboard, demo, local up), a test or another "
            + "program alike: the commands start it, never the other way round")
        .check(main);
  }

  @Test
  void shouldMakeTopicsOnlyInTheCatalogueWhenCodeNeedsATopic() {
    noClasses().that().doNotHaveFullyQualifiedName(TopicCatalogue.class.getName())
        .should().callConstructorWhere(DescribedPredicate.describe("the constructor is Topic's",
            (JavaConstructorCall call) -> call.getTargetOwner().isEquivalentTo(Topic.class)))
        .because("every topic (name, record type, partitions, retention) is defined once, in the catalogue")
        .check(main);
    noClasses().that().doNotHaveFullyQualifiedName(Topic.class.getName())
        .should().callConstructorWhere(DescribedPredicate.describe("the constructor is Kafka's NewTopic",
            (JavaConstructorCall call) -> call.getTargetOwner().isEquivalentTo(NewTopic.class)))
        .because("topics are created from the catalogue's definitions (Topic.newTopic), never by a name "
            + "spelled elsewhere")
        .check(main);
  }

  @Test
  void shouldReadEnvironmentAndSystemPropertiesOnlyInConfigClassesWhenAnyClassNeedsASetting() {
    noClasses().that(DescribedPredicate.describe("are not a *Config class or allowed",
            (JavaClass c) -> !isConfigOrAllowed(c)))
        .should().callMethodWhere(DescribedPredicate.describe("the call reads the environment or a system property",
            LayeringTest::readsEnvironment))
        .because("settings come only through the typed configs (one per service: key, doc, default, validator)")
        .check(main);
  }

  private static boolean isConfigOrAllowed(JavaClass c) {
    String topLevel = topLevel(c);
    return topLevel.endsWith("Config") || ENVIRONMENT_READERS_ALLOWED.containsKey(topLevel);
  }

  private static String topLevel(JavaClass c) {
    return c.getName().contains("$") ? c.getName().substring(0, c.getName().indexOf('$')) : c.getName();
  }

  private static boolean readsEnvironment(JavaMethodCall call) {
    String owner = call.getTargetOwner().getName();
    String name = call.getName();
    return owner.equals(System.class.getName()) && Set.of("getenv", "getProperty", "getProperties").contains(name)
        || owner.equals(Boolean.class.getName()) && name.equals("getBoolean")
        || owner.equals(Integer.class.getName()) && name.equals("getInteger")
        || owner.equals(Long.class.getName()) && name.equals("getLong");
  }
}
