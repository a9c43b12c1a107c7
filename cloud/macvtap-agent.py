#!/usr/bin/env python3
"""neutron-macvtap-agent, run without oslo.service's fork.

The agent (neutron 29) starts its privsep daemon while it checks the interface mappings, then
oslo.service's threading backend forks the agent loop into a worker. The worker inherits the
privsep socket but not its reader thread, so its first privileged call (listing devices) never
returns: the agent never reports, and Neutron binds no port. Seen here: the parent logs
"msgid should be in oustanding_msgs" and the worker hangs. nova-compute avoids the same by
launching with no_fork=True; this does the same for the agent and then runs its own main().
"""
import sys

# First: it selects oslo.service's threading backend, which importing oslo_service.service
# before it would fix to eventlet.
from neutron.cmd.plugins.macvtap_neutron_agent import main
from oslo_service import service

_launch = service.launch


def _launch_in_process(*args, **kwargs):
    kwargs["no_fork"] = True
    return _launch(*args, **kwargs)


service.launch = _launch_in_process

if __name__ == "__main__":
    sys.exit(main())
