// Package dockerinfo maps the Terraform docker provider (kreuzwerker) onto the tokens and
// property names of the locked npm SDK @pulumi/docker 5.2.0.
package dockerinfo

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/terraform-providers/terraform-provider-docker/pulumishim"
)

// Version is the plugin version the locked npm SDK @pulumi/docker asks for; engine/build.sh
// reads it from package-lock.json and sets it with -ldflags -X.
var Version = "0.0.0-dev"

func res(mod, name string) *tfbridge.ResourceInfo {
	return &tfbridge.ResourceInfo{Tok: tfbridge.MakeResource("docker", mod, name)}
}

func ds(mod, name string) *tfbridge.DataSourceInfo {
	return &tfbridge.DataSourceInfo{Tok: tfbridge.MakeDataSource("docker", mod, name)}
}

// Provider returns the bridge's description of the provider. Only the upstream SDKv2
// provider is served; docker:index/image:Image (native in pulumi-docker) is not provided.
func Provider() tfbridge.ProviderInfo {
	return tfbridge.ProviderInfo{
		P:           shimv2.NewProvider(pulumishim.New(Version)),
		Name:        "docker",
		Version:     Version,
		DisplayName: "Docker",
		Publisher:   "Pulumi",
		License:     "Apache-2.0",
		Homepage:    "https://pulumi.io",
		Repository:  "https://github.com/pulumi/pulumi-docker",
		GitHubOrg:   "kreuzwerker",
		// The npm SDK keeps these names singular (the bridge would pluralize lists).
		Config: map[string]*tfbridge.SchemaInfo{
			"registry_auth": {Name: "registryAuth"},
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			"docker_buildx_builder": res("index", "BuildxBuilder"),
			"docker_container": {
				Tok: tfbridge.MakeResource("docker", "index", "Container"),
				Fields: map[string]*tfbridge.SchemaInfo{
					"command":           {Name: "command"},
					"networks_advanced": {Name: "networksAdvanced"},
				},
			},
			"docker_network":        res("index", "Network"),
			"docker_plugin":         res("index", "Plugin"),
			"docker_registry_image": res("index", "RegistryImage"),
			"docker_image":          res("index", "RemoteImage"),
			"docker_secret":         res("index", "Secret"),
			"docker_service":        res("index", "Service"),
			"docker_config":         res("index", "ServiceConfig"),
			"docker_tag":            res("index", "Tag"),
			"docker_volume":         res("index", "Volume"),
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"docker_logs":                     ds("index", "getLogs"),
			"docker_network":                  ds("index", "getNetwork"),
			"docker_plugin":                   ds("index", "getPlugin"),
			"docker_registry_image":           ds("index", "getRegistryImage"),
			"docker_registry_image_manifests": ds("index", "getRegistryImageManifests"),
			"docker_image":                    ds("index", "getRemoteImage"),
		},
	}
}
