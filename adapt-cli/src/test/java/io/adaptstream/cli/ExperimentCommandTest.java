package io.adaptstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adaptstream.cli.run.experiment.BenchmarkFixture;
import io.adaptstream.cli.run.experiment.ExperimentSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCommandTest {

  @TempDir
  Path tmp;

  @Test
  void shouldDocumentTheExperimentOptions() {
    CliRun run = CliRun.of("experiment", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--methods=LIST", "--seeds=N", "--releases=FILE", "--images=DIR",
        "--pretrain=FILE", "--quick", "--out=DIR", "--fast", "--set=KEY=VALUE", "--compute=MODE", "as-defined")
        .doesNotContain("--max-samples");
  }

  @Test
  void shouldRefuseAnUnknownComputeModeBeforeStartingAnything() {
    CliRun run = CliRun.of("experiment", "--compute", "more", "--out", tmp.resolve("exp").toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("--compute", "valid: equal, as-defined");
    assertThat(tmp.resolve("exp")).doesNotExist();
  }

  @Test
  void shouldRefuseAnUnknownMethodBeforeStartingAnything() {
    CliRun run = CliRun.of("experiment", "--methods", "adapt,best", "--out", tmp.resolve("exp").toString());

    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("unknown method 'best'; valid: adapt, ");
    assertThat(tmp.resolve("exp")).doesNotExist();
  }

  @Test
  void shouldRefuseTheJointReferenceWithoutEqualComputeOrAPipelineMethod() {
    CliRun asDefined = CliRun.of("experiment", "--methods", "adapt,joint", "--compute", "as-defined", "--out",
        tmp.resolve("a").toString());
    CliRun alone = CliRun.of("experiment", "--methods", "joint", "--out", tmp.resolve("b").toString());

    assertThat(asDefined.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(asDefined.err()).contains("the joint reference needs equal compute");
    assertThat(alone.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(alone.err()).contains("needs at least one pipeline method");
    assertThat(tmp.resolve("a")).doesNotExist();
    assertThat(tmp.resolve("b")).doesNotExist();
  }

  @Test
  void shouldRefuseImagesWithoutReleasesAndMissingReleaseFiles() {
    CliRun images = CliRun.of("experiment", "--images", tmp.toString(), "--out", tmp.resolve("a").toString());
    CliRun missing = CliRun.of("experiment", "--releases", tmp.resolve("r1.json").toString(), "--out",
        tmp.resolve("b").toString());

    assertThat(images.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(images.err()).contains("--images and --pretrain go with --releases");
    assertThat(missing.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(missing.err()).contains("no such file: " + tmp.resolve("r1.json"));
  }

  @Test
  void shouldRefuseToResumeADirectoryHoldingAnExperimentWithOtherSettings() throws Exception {
    // given a directory that holds a QUICK experiment's settings
    Path dir = tmp.resolve("exp");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ExperimentCommand.SETTINGS_FILE), "{\"data\": \"skill-world benchmark, QUICK\"}");

    // when a FULL experiment is asked for in it
    CliRun run = CliRun.of("experiment", "--methods", "adapt", "--out", dir.toString());

    // then it refuses, naming the file
    assertThat(run.exitCode()).isEqualTo(AdaptCli.EXIT_USAGE);
    assertThat(run.err()).contains("holds an experiment with other settings", "use another --out");
  }

  @Test
  void shouldNameAReleaseAfterItsFile() {
    assertThat(ExperimentSources.releaseName(Path.of("data", "R1 LLaVA mix.json"))).isEqualTo("r1-llava-mix");
    assertThat(ExperimentSources.releaseName(Path.of("m3it.v2.json"))).isEqualTo("m3it.v2");
  }

  @Test
  void shouldFindTheBenchmarkOfReleasesOnlyWhenTheyAreItsFiles() throws Exception {
    // given a generated benchmark's release file, and the same file copied elsewhere (a user's own release)
    Path bench = BenchmarkFixture.write(tmp.resolve("bench"));
    Path copy = Files.copy(bench.resolve("r1.json"), Files.createDirectories(tmp.resolve("mine")).resolve("r1.json"));

    // then only the benchmark's own file leads to its annotations
    assertThat(ExperimentSources.benchmarkOf(List.of(bench.resolve("r1.json"))))
        .contains(bench.toAbsolutePath().normalize());
    assertThat(ExperimentSources.benchmarkOf(List.of(copy))).isEmpty();
    assertThat(ExperimentSources.benchmarkOf(List.of(bench.resolve("r1.json"), copy))).isEmpty();
  }

  @Test
  void shouldShowTheMethodsAndPairedDifferencesTablesOnTheTerminal() {
    // given a table.md with the methods, the paired differences, the diagnostics and the runs
    String md = """
        # Experiment

        | method | final avg acc |
        |---|---:|
        | adapt | 0.500 ± 0.000 [0.4, 0.6] |

        - a note

        ## Paired differences

        | difference | seeds |
        |---|---:|
        | adapt − random | 1 |

        ## Diagnostics

        | method | step |
        |---|---:|
        | adapt | 1 |

        ## Runs

        | method | seed |
        """;

    // when the terminal's part is taken
    String shown = ExperimentCommand.terminalTables(md);

    // then it is the first two tables only
    assertThat(shown).contains("| adapt | 0.500 ± 0.000 [0.4, 0.6] |", "| adapt − random | 1 |")
        .doesNotContain("| method | step |", "| method | seed |", "a note");
  }
}
