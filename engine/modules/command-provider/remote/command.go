// Package remote is command:remote: the Command resource of the locked @pulumi/command, run
// over SSH (golang.org/x/crypto/ssh). Its Go package name is the token's module.
package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-go-provider/infer"
)

// Command runs create on creation, update (or else create) when an input changes, and delete on
// deletion, each on the connection's host. A change of triggers replaces it, as upstream.
type Command struct{}

// CommandArgs: exactly the inputs of the locked SDK's remote.CommandArgs.
type CommandArgs struct {
	Connection  Connection        `pulumi:"connection" provider:"secret"`
	Environment map[string]string `pulumi:"environment,optional"`
	Triggers    []any             `pulumi:"triggers,optional" provider:"replaceOnChanges"`
	Create      *string           `pulumi:"create,optional"`
	Delete      *string           `pulumi:"delete,optional"`
	Update      *string           `pulumi:"update,optional"`
	Stdin       *string           `pulumi:"stdin,optional"`
}

// CommandState: the inputs and the last run's output.
type CommandState struct {
	CommandArgs
	Stdout string `pulumi:"stdout"`
	Stderr string `pulumi:"stderr"`
}

// Annotate gives the SDK's descriptions and defaults.
func (c *Command) Annotate(a infer.Annotator) {
	a.Describe(c, "A command to run on a remote host over SSH. The connection is established via golang.org/x/crypto/ssh.")
}

func (c *Connection) Annotate(a infer.Annotator) {
	a.Describe(c, "Instructions for how to connect to a remote endpoint.")
	a.Describe(&c.Host, "The address of the resource to connect to.")
	a.Describe(&c.Port, "The port to connect to.")
	a.Describe(&c.User, "The user that we should use for the connection.")
	a.Describe(&c.Password, "The password we should use for the connection.")
	a.Describe(&c.PrivateKey, "The contents of an SSH key to use for the connection. This takes preference over the password if provided.")
	a.SetDefault(&c.Port, 22.0)
	a.SetDefault(&c.User, "root")
}

func (c *CommandArgs) Annotate(a infer.Annotator) {
	a.Describe(&c.Connection, "The parameters with which to connect to the remote host.")
	a.Describe(&c.Environment, "Additional environment variables available to the command's process.")
	a.Describe(&c.Triggers, "Trigger replacements on changes to this input.")
	a.Describe(&c.Create, "The command to run on create.")
	a.Describe(&c.Delete, "The command to run on delete. PULUMI_COMMAND_STDOUT and PULUMI_COMMAND_STDERR hold the last run's output.")
	a.Describe(&c.Update, "The command to run on update; if empty, create runs again.")
	a.Describe(&c.Stdin, "Pass a string to the command's process as standard in.")
}

func (c *CommandState) Annotate(a infer.Annotator) {
	a.Describe(&c.Stdout, "The standard output of the command's process")
	a.Describe(&c.Stderr, "The standard error of the command's process")
}

// Create runs the create command, if any.
func (Command) Create(ctx context.Context, req infer.CreateRequest[CommandArgs]) (infer.CreateResponse[CommandState], error) {
	state := CommandState{CommandArgs: req.Inputs}
	id, err := resourceID(req.Name)
	if err != nil || req.DryRun {
		return infer.CreateResponse[CommandState]{ID: id, Output: state}, err
	}
	if req.Inputs.Create != nil {
		state.Stdout, state.Stderr, err = run(ctx, req.Inputs, "create", *req.Inputs.Create, nil)
	}
	return infer.CreateResponse[CommandState]{ID: id, Output: state}, err
}

// Update runs update, or create when update is unset, with the previous output in the environment.
func (Command) Update(ctx context.Context, req infer.UpdateRequest[CommandArgs, CommandState]) (infer.UpdateResponse[CommandState], error) {
	state := CommandState{CommandArgs: req.Inputs, Stdout: req.State.Stdout, Stderr: req.State.Stderr}
	if req.DryRun {
		return infer.UpdateResponse[CommandState]{Output: state}, nil
	}
	cmd, which := req.Inputs.Update, "update"
	if cmd == nil {
		cmd, which = req.Inputs.Create, "create"
	}
	var err error
	if cmd != nil {
		state.Stdout, state.Stderr, err = run(ctx, req.Inputs, which, *cmd, previousOutput(req.State))
	}
	return infer.UpdateResponse[CommandState]{Output: state}, err
}

// Delete runs the delete command, if any, with the last run's output in the environment.
func (Command) Delete(ctx context.Context, req infer.DeleteRequest[CommandState]) (infer.DeleteResponse, error) {
	if req.State.Delete == nil {
		return infer.DeleteResponse{}, nil
	}
	_, _, err := run(ctx, req.State.CommandArgs, "delete", *req.State.Delete, previousOutput(req.State))
	return infer.DeleteResponse{}, err
}

func previousOutput(s CommandState) map[string]string {
	return map[string]string{"PULUMI_COMMAND_STDOUT": s.Stdout, "PULUMI_COMMAND_STDERR": s.Stderr}
}

// resourceID: the resource name and a random suffix, as upstream.
func resourceID(name string) (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return name + "-" + hex.EncodeToString(b), nil
}

// run executes one command on the host and returns its stdout and stderr. The environment is
// exported by the remote shell, since sshd accepts only the variables its AcceptEnv names;
// stdin goes through the session, so it never appears in a command line.
func run(ctx context.Context, args CommandArgs, which, command string, extraEnv map[string]string) (string, string, error) {
	client, err := args.Connection.Dial(ctx)
	if err != nil {
		return "", "", err
	}
	defer client.Close()
	session, err := client.NewSession()
	if err != nil {
		return "", "", fmt.Errorf("ssh to %s: opening a session: %w", args.Connection.Login(), err)
	}
	defer session.Close()
	var stdout, stderr bytes.Buffer
	session.Stdout, session.Stderr = &stdout, &stderr
	if args.Stdin != nil {
		session.Stdin = strings.NewReader(*args.Stdin)
	}
	env := map[string]string{}
	for k, v := range extraEnv {
		env[k] = v
	}
	for k, v := range args.Environment {
		env[k] = v
	}
	prefix, err := ExportPrefix(env)
	if err != nil {
		return "", "", err
	}
	done := make(chan error, 1)
	go func() { done <- session.Run(prefix + command) }()
	select {
	case <-ctx.Done():
		_ = session.Signal("TERM")
		return stdout.String(), stderr.String(), fmt.Errorf("%s command on %s: cancelled", which, args.Connection.Login())
	case err = <-done:
	}
	if err != nil {
		// The command's text may hold secrets, so it is named, not quoted.
		return stdout.String(), stderr.String(), fmt.Errorf("%s command on %s failed: %w; stderr: %s", which, args.Connection.Login(), err, Tail(stderr.String(), 20))
	}
	return stdout.String(), stderr.String(), nil
}

// ExportPrefix renders the environment as `export K='V'; ` statements in name order, refusing
// names a POSIX shell would not take.
func ExportPrefix(env map[string]string) (string, error) {
	names := make([]string, 0, len(env))
	for k := range env {
		if !validName(k) {
			return "", fmt.Errorf("environment: %q is not a shell variable name", k)
		}
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString("export " + k + "=" + ShellQuote(env[k]) + "; ")
	}
	return b.String(), nil
}

func validName(k string) bool {
	if k == "" || (k[0] >= '0' && k[0] <= '9') {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// ShellQuote quotes s for a POSIX shell: in single quotes, each quote inside closed, escaped and reopened.
func ShellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Tail is the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
