package io.adaptstream.cli;

import io.adaptstream.benchmark.Manifest;
import io.adaptstream.benchmark.SkillWorld;
import io.adaptstream.benchmark.Size;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code adapt bench-data}: writes the skill-world benchmark as LLaVA JSON + PNG releases, ready to publish. */
@Command(name = "bench-data", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {"Generate the skill-world benchmark: a pretraining release and 5 task releases shaped like the",
        "paper's sequence, as LLaVA JSON + PNG files with a manifest. The same seed gives the same files.", ""},
    footer = {"", "Then publish them in manifest order, e.g.:",
        "  adapt publish --pretrain --release pretrain DIR/pretrain.json",
        "  adapt publish --release r1-llava-mix DIR/r1-llava-mix.json"})
final class BenchDataCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output directory (created; an earlier benchmark there is replaced, anything else refused).")
  Path out;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--quick", description = "About a quarter of the full size, for quick runs and CI.")
  boolean quick;

  @Override
  public Integer call() throws Exception {
    Manifest manifest = SkillWorld.generate(out, seed, quick ? Size.QUICK : Size.FULL);
    PrintWriter pw = spec.commandLine().getOut();
    pw.println("skill-world benchmark (seed " + seed + ", " + manifest.size() + ") written to " + out);
    pw.println(SkillWorld.table(manifest));
    pw.flush();
    return AdaptCli.EXIT_OK;
  }
}
