/* commands.h - the subcommands of the demob CLI. Each takes the arguments
 * after its name (argv[0] is the subcommand) and returns the exit code:
 * 0 ok, 1 the run failed, 2 bad usage or bad input. */
#ifndef DEMOB_COMMANDS_H
#define DEMOB_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_summarize(int argc, char **argv);

#endif
