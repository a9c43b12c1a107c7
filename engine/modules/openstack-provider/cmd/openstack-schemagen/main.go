// openstack-schemagen writes the Pulumi package schema of the bridged OpenStack provider to the
// file named by its argument; the provider binary embeds it. OPENSTACK_UPSTREAM_DIR names the
// upstream module (read only), whose docs/ give the descriptions.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"

	"hybrid-vnf/engine/openstack-provider/openstackinfo"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: openstack-schemagen OUT.json")
		os.Exit(2)
	}
	sink := diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never})
	info := openstackinfo.Provider()
	// The upstream module's docs/ give the descriptions.
	info.UpstreamRepoPath = os.Getenv("OPENSTACK_UPSTREAM_DIR")
	spec, err := tfgen.GenerateSchema(info, sink)
	if err != nil {
		fmt.Fprintln(os.Stderr, "openstack-schemagen:", err)
		os.Exit(1)
	}
	out, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "openstack-schemagen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], append(out, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "openstack-schemagen:", err)
		os.Exit(1)
	}
}
