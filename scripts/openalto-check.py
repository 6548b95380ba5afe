#!/usr/bin/env python3
"""Runs the openalto Python client (github.com/openalto/alto, src/alto/client) UNMODIFIED against
an alto-edge server: network map, cost map, routing costs (network map + cost map) and endpoint
cost calls on the RFC 7285 example map (rfc-example-network-map), printing what each returns and
failing on the first error.

    python3 scripts/openalto-check.py <openalto checkout> [base URL, default http://127.0.0.1:8787]

Needs python3 with `requests` (Debian: apt-get install -y python3-requests). openalto's model
imports `pytricia` (a C extension) only for the network map's longest-prefix match; a stand-in
with the same two operations (PyTricia(bits), p[prefix] = v, p[address]) is put on sys.path
here. openalto's code is not part of this repository: pass the path of a checkout.
"""
import json
import os
import sys
import tempfile

PYTRICIA_STANDIN = '''
import ipaddress
class PyTricia:
    def __init__(self, bits=128):
        self.prefixes = []
    def __setitem__(self, prefix, value):
        self.prefixes.append((ipaddress.ip_network(prefix), value))
    def __getitem__(self, address):
        a = ipaddress.ip_address(address)
        best = max((n for n in self.prefixes if n[0].version == a.version and a in n[0]),
                   key=lambda n: n[0].prefixlen, default=None)
        if best is None:
            raise KeyError(address)
        return best[1]
'''

NM = 'rfc-example-network-map'
CM = 'rfc-example-num-routingcost'


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    checkout = sys.argv[1]
    base = (sys.argv[2] if len(sys.argv) > 2 else 'http://127.0.0.1:8787').rstrip('/')
    work = tempfile.mkdtemp(prefix='openalto-check-')
    with open(os.path.join(work, 'pytricia.py'), 'w') as f:
        f.write(PYTRICIA_STANDIN)
    conf = os.path.join(work, 'alto.conf')
    with open(conf, 'w') as f:
        f.write('[client]\n')
        f.write(f'default_networkmap = {base}/networkmap/{NM}\n')
        f.write(f'default_costmap = {base}/costmap/{CM}\n')
        f.write(f'static_ird = {json.dumps({CM: base + "/costmap/" + CM})}\n')
    os.environ['ALTO_CONFIG'] = conf
    sys.path[:0] = [work, os.path.join(checkout, 'src')]
    from alto.client import Client

    client = Client()
    srcs = ['192.0.2.2', '198.51.100.34']
    dsts = ['192.0.2.89', '198.51.100.200', '203.0.113.45']
    nm = client.get_network_map()
    print('network map: vtag', nm.vtag_, 'PIDs of', srcs + dsts, '=', nm.get_pid(srcs + dsts))
    cm = client.get_cost_map()
    print('cost map:', cm.cost_type, json.dumps(cm.cmap_, sort_keys=True))
    print('routing costs (network map + cost map):',
          json.dumps(client.get_routing_costs(srcs, dsts), sort_keys=True))
    ecs = client.get_endpoint_cost(f'{base}/endpointcost/{NM}/lookup')
    costs = ecs.get_costs(srcs, dsts)
    print('endpoint cost: vtag', ecs.vtag_, json.dumps(costs, sort_keys=True))
    if costs != client.get_routing_costs(srcs, dsts):
        sys.exit('endpoint costs differ from the routing costs of the same maps')
    print('openalto: all four calls passed')


if __name__ == '__main__':
    main()
