// docker-schemagen writes the Pulumi package schema of the bridged docker provider to the
// file named by its argument; the provider binary embeds it. DOCKER_UPSTREAM_DIR names the
// upstream source copy, whose docs/ give the descriptions.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"

	"hybrid-vnf/engine/docker-provider/dockerinfo"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: docker-schemagen OUT.json")
		os.Exit(2)
	}
	sink := diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never})
	info := dockerinfo.Provider()
	// The upstream's docs/ (for descriptions): the copy the build step laid out.
	info.UpstreamRepoPath = os.Getenv("DOCKER_UPSTREAM_DIR")
	spec, err := tfgen.GenerateSchema(info, sink)
	if err != nil {
		fmt.Fprintln(os.Stderr, "docker-schemagen:", err)
		os.Exit(1)
	}
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "docker-schemagen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], append(out, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "docker-schemagen:", err)
		os.Exit(1)
	}
}
