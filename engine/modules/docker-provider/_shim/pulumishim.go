// Package pulumishim exports the upstream provider's constructor (kept in internal/) to the Pulumi
// wrapper, with one change to docker_service's read (see keepNetworkNames).
package pulumishim

import (
	"context"

	"github.com/docker/docker/api/types/network"
	"github.com/hashicorp/terraform-plugin-sdk/v2/diag"
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

// New returns the upstream SDKv2 provider.
func New(version string) *schema.Provider {
	p := provider.New(version)()
	keepNetworkNames(p.ResourcesMap["docker_service"])
	return p
}

// keepNetworkNames: upstream's read of a service writes each task network back as its ID, also
// where the program gave the network's name, and both fields force a replacement, so a
// `pulumi refresh` made the next `up` replace the service. Here a network the state named keeps
// its name when the name still resolves to the network the service is attached to; so the name
// is not deprecated either.
func keepNetworkNames(svc *schema.Resource) {
	taskSpec := svc.Schema["task_spec"].Elem.(*schema.Resource)
	advanced := taskSpec.Schema["networks_advanced"].Elem.(*schema.Resource)
	advanced.Schema["name"].Deprecated = ""
	read := svc.ReadContext
	svc.ReadContext = func(ctx context.Context, d *schema.ResourceData, meta interface{}) diag.Diagnostics {
		names := NamedNetworks(d.Get("task_spec"))
		diags := read(ctx, d, meta)
		if diags.HasError() || len(names) == 0 || d.Id() == "" {
			return diags
		}
		client, err := meta.(*provider.ProviderConfig).MakeClient(ctx, d)
		if err != nil {
			return append(diags, diag.FromErr(err)...)
		}
		nameOf := map[string]string{}
		for _, n := range names {
			if nw, err := client.NetworkInspect(ctx, n, network.InspectOptions{}); err == nil {
				nameOf[nw.ID] = n
			}
		}
		ts, changed := WithNetworkNames(d.Get("task_spec"), nameOf)
		if changed {
			if err := d.Set("task_spec", ts); err != nil {
				return append(diags, diag.FromErr(err)...)
			}
		}
		return diags
	}
}

// NamedNetworks: the networks_advanced entries of a task_spec value given by name, not ID.
func NamedNetworks(taskSpec interface{}) []string {
	var out []string
	for _, e := range networkEntries(taskSpec) {
		if name, _ := e["name"].(string); name != "" {
			if id, _ := e["id"].(string); id == "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// WithNetworkNames: the task_spec value with each networks_advanced entry whose ID nameOf knows
// given by that name instead; changed says whether any was.
func WithNetworkNames(taskSpec interface{}, nameOf map[string]string) (interface{}, bool) {
	list, ok := taskSpec.([]interface{})
	if !ok || len(list) == 0 {
		return taskSpec, false
	}
	spec, ok := list[0].(map[string]interface{})
	if !ok {
		return taskSpec, false
	}
	set, ok := spec["networks_advanced"].(*schema.Set)
	if !ok {
		return taskSpec, false
	}
	changed := false
	entries := make([]interface{}, 0, set.Len())
	for _, raw := range set.List() {
		e, _ := raw.(map[string]interface{})
		id, _ := e["id"].(string)
		if name, found := nameOf[id]; found && id != "" {
			copied := map[string]interface{}{}
			for k, v := range e {
				copied[k] = v
			}
			copied["name"], copied["id"] = name, ""
			e, changed = copied, true
		}
		entries = append(entries, e)
	}
	spec["networks_advanced"] = schema.NewSet(set.F, entries)
	return list, changed
}

func networkEntries(taskSpec interface{}) []map[string]interface{} {
	list, ok := taskSpec.([]interface{})
	if !ok || len(list) == 0 {
		return nil
	}
	spec, _ := list[0].(map[string]interface{})
	set, ok := spec["networks_advanced"].(*schema.Set)
	if !ok {
		return nil
	}
	var out []map[string]interface{}
	for _, raw := range set.List() {
		if e, ok := raw.(map[string]interface{}); ok {
			out = append(out, e)
		}
	}
	return out
}
