// Package openstackinfo maps the Terraform OpenStack provider v1.54.1 onto the tokens and
// property names of the locked npm SDK @pulumi/openstack 3.15.2.
package openstackinfo

import (
	"strings"
	"unicode"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	tfbridgetokens "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/terraform-provider-openstack/terraform-provider-openstack/openstack"
)

// Version is the plugin version the locked npm SDK @pulumi/openstack asks for; engine/build.sh
// reads it from package-lock.json and sets it with -ldflags -X.
var Version = "0.0.0-dev"

// Token is the SDK token of a module member: openstack:networking/port:Port.
func Token(module, name string) string {
	return "openstack:" + module + "/" + string(unicode.ToLower(rune(name[0]))) + name[1:] + ":" + name
}

// envDefault: a provider setting read from an environment variable when the stack leaves it unset.
func envDefault(vars ...string) *tfbridge.SchemaInfo {
	return &tfbridge.SchemaInfo{Default: &tfbridge.DefaultInfo{EnvVars: vars}}
}

// Provider returns the bridge's description of the provider, as pulumi-openstack v3.15.2 has it.
func Provider() tfbridge.ProviderInfo {
	noMaxItemsOne := false
	resources := map[string]*tfbridge.ResourceInfo{}
	for tf, t := range resourceTokens {
		resources[tf] = &tfbridge.ResourceInfo{Tok: tokens.Type(Token(t.module, t.name))}
	}
	// The SDK's field renames and list shapes.
	resources["openstack_networking_subnet_v2"].Fields = map[string]*tfbridge.SchemaInfo{
		"allocation_pool":  {Name: "allocationPools"},
		"allocation_pools": {Name: "allocationPoolsCollection"},
	}
	resources["openstack_compute_servergroup_v2"].Fields = map[string]*tfbridge.SchemaInfo{
		"policies": {MaxItemsOne: &noMaxItemsOne},
	}
	resources["openstack_orchestration_stack_v1"].Fields = map[string]*tfbridge.SchemaInfo{
		"outputs": {Name: "StackOutputs"},
	}
	functions := map[string]*tfbridge.DataSourceInfo{}
	for tf, t := range functionTokens {
		functions[tf] = &tfbridge.DataSourceInfo{Tok: tokens.ModuleMember(Token(t.module, t.name))}
	}

	prov := tfbridge.ProviderInfo{
		P:           shimv2.NewProvider(openstack.Provider()),
		Name:        "openstack",
		Version:     Version,
		Description: "A Pulumi package for creating and managing OpenStack cloud resources.",
		Homepage:    "https://pulumi.io",
		License:     "Apache-2.0",
		GitHubOrg:   "terraform-provider-openstack",
		Repository:  "https://github.com/pulumi/pulumi-openstack",
		Config: map[string]*tfbridge.SchemaInfo{
			"region":        envDefault("OS_REGION_NAME"),
			"insecure":      envDefault("OS_INSECURE"),
			"endpoint_type": envDefault("OS_ENDPOINT_TYPE"),
			"swauth":        envDefault("OS_SWAUTH"),
			"use_octavia":   envDefault("OS_USE_OCTAVIA"),
			"cloud":         envDefault("OS_CLOUD"),
			"delayed_auth":  envDefault("OS_DELAYED_AUTH"),
			"allow_reauth":  envDefault("OS_ALLOW_REAUTH"),
		},
		Resources:   resources,
		DataSources: functions,
	}
	// Types the table leaves out get the standard token of their module, as upstream does.
	prov.MustComputeTokens(tfbridgetokens.KnownModules("openstack_", "index", knownModules, tfbridgetokens.MakeStandard("openstack")))
	// An unset name is generated from the resource's name, up to 255 characters.
	prov.SetAutonaming(255, "-")
	return prov
}

// knownModules: the Terraform type prefixes that name an SDK module.
var knownModules = strings.Fields(`blockstorage_ compute_ containerinfra_ database_ dns_ identity_ images_
	keymanager_ networking_ loadbalancer_ firewall_ objectstorage_ orchestration_ sharedfile_system_ vpnaas_`)
