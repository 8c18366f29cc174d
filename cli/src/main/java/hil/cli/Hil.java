package hil.cli;

import hil.reports.ReportException;
import hil.targets.HilException;
import hil.targets.labconfig.LabConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The {@code hil} command: {@code hil run} runs features on targets, {@code hil targets} lists the lab's targets.
 *
 * <p>Exit status: {@value #OK} when every scenario passed (skips are fine); {@value #NOT_PASSED} when a scenario
 * failed, was undefined or pending, or the run could not complete; {@value #BAD_INPUT} for bad usage or
 * configuration, with a one-line reason on standard error.
 */
@Command(name = "hil", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Runs Gherkin features about UEFI variable services on firmware targets and reports the"
                + " results.",
        footer = {"", "Exit status: 0 all passed, 1 a scenario did not pass, 2 bad usage or configuration."})
public final class Hil implements Callable<Integer> {

    /** Every scenario passed or was skipped. */
    static final int OK = 0;
    /** A scenario failed, was undefined or pending, or the run could not complete. */
    static final int NOT_PASSED = 1;
    /** Bad usage or configuration. */
    static final int BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(Environment.system(), args));
    }

    static int execute(Environment env, String... args) {
        return commandLine(env).execute(args);
    }

    static CommandLine commandLine(Environment env) {
        CommandLine cli = new CommandLine(new Hil())
                .addSubcommand(new RunCommand(env))
                .addSubcommand(new TargetsCommand(env))
                .addSubcommand(new BenchCommand(env))
                .addSubcommand(new CompareCommand(env))
                .addSubcommand(new FuzzCommand(env))
                .addSubcommand(new MergeCommand(env));
        // Set after the subcommands are added: picocli passes these settings down only to existing subcommands.
        cli.setOut(env.out());
        cli.setErr(env.err());
        cli.setParameterExceptionHandler(Hil::usageError);
        cli.setExecutionExceptionHandler(Hil::executionError);
        return cli;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing a command: run, targets, compare or bench");
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("hil: " + oneLine(e.getMessage()));
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return BAD_INPUT;
    }

    private static int executionError(Exception e, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        int status;
        if (e instanceof BadInputException || e instanceof LabConfigException) {
            err.println("hil: " + oneLine(e.getMessage()));
            status = BAD_INPUT;
        } else if (e instanceof HilException || e instanceof ReportException) {
            // Harness failures carry their context in the message; a stack trace would only hide it.
            err.println("hil: " + oneLine(e.getMessage()));
            status = NOT_PASSED;
        } else {
            err.println("hil: internal error: " + e);
            e.printStackTrace(err);
            status = NOT_PASSED;
        }
        err.flush();
        return status;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
