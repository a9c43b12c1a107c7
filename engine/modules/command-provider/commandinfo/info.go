// Package commandinfo assembles the command provider: its resources and its package metadata.
package commandinfo

import (
	"context"
	"strconv"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"

	"hybrid-vnf/engine/command-provider/remote"
)

// Version is the plugin version the locked npm SDK @pulumi/command asks for; engine/build.sh
// reads it from package-lock.json and sets it with -ldflags -X.
var Version = "0.0.0-dev"

// Provider: command:remote:Command, the one resource of @pulumi/command the program uses.
func Provider() (p.Provider, error) {
	prov, err := infer.NewProviderBuilder().
		WithDisplayName("command").
		WithNamespace("pulumi").
		WithDescription("Run commands on remote hosts over SSH (hybrid-vnf's build of command:remote:Command).").
		WithLicense("Apache-2.0").
		WithResources(infer.Resource(remote.Command{})).
		Build()
	if err != nil {
		return prov, err
	}
	// infer's diff keys changes by path (triggers[0]) and checks replaceOnChanges only for whole
	// properties (triggers), so a changed trigger would be an update; it replaces, as upstream.
	diff := prov.Diff
	prov.Diff = func(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
		resp, err := diff(ctx, req)
		return ReplaceOnChangesOf(resp, "triggers"), err
	}
	return prov, nil
}

// ReplaceOnChangesOf turns every change at or under the named properties into a replacement.
func ReplaceOnChangesOf(resp p.DiffResponse, names ...string) p.DiffResponse {
	for path, d := range resp.DetailedDiff {
		top := path
		if i := strings.IndexAny(path, ".["); i >= 0 {
			top = path[:i]
		}
		for _, name := range names {
			if top == name {
				d.Kind = asReplace(d.Kind)
				resp.DetailedDiff[path] = d
			}
		}
	}
	return resp
}

func asReplace(k p.DiffKind) p.DiffKind {
	switch k {
	case p.Add:
		return p.AddReplace
	case p.Update:
		return p.UpdateReplace
	case p.Delete:
		return p.DeleteReplace
	}
	return k
}

// MaxLogVerbosity: Pulumi's SDK logs every property it unmarshals at -v=9 (rpc.go, "Unmarshaling
// property for RPC"), the plaintext inside secrets included; the plugin logs at most -v=8.
const MaxLogVerbosity = 8

// CapVerbosity returns the plugin's arguments with a -v/--v above MaxLogVerbosity lowered to it.
func CapVerbosity(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		for _, prefix := range []string{"-v=", "--v=", "-verbose=", "--verbose="} {
			if n, err := strconv.Atoi(strings.TrimPrefix(a, prefix)); strings.HasPrefix(a, prefix) && err == nil && n > MaxLogVerbosity {
				out[i] = prefix + strconv.Itoa(MaxLogVerbosity)
			}
		}
	}
	return out
}
