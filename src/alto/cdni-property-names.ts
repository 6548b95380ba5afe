/**
 * @module RFC 9241 §6.2 names of the CDNI property map view (docs/cdni.md): the property, the
 * IRD `mappings` and `uses`. Imports nothing, so the IRD writer can use it (the answers are in
 * cdni-property-map.ts).
 */

/** RFC 9241 §6.2 / §7.5: the entity property type. */
export const CDNI_CAPABILITIES = 'cdni-capabilities'

/** §6.2.1: the resource-specific property name `<cdni-resource-id>.cdni-capabilities`. */
export const cdniPropertyName = (cdniId: string): string => `${cdniId}.${CDNI_CAPABILITIES}`

/**
 * RFC 9240 §7.4 `mappings`: the property on `ipv4`, `ipv6`, `asn`, `countrycode` (§6.2) and,
 * for an advertisement with `altopid` footprints, the PID domain of its network map (§6.1).
 */
export function cdniPropertyMapMappings(
  cdniId: string,
  networkMap: string | undefined
): Record<string, string[]> {
  const names = () => [cdniPropertyName(cdniId)]
  const mappings: Record<string, string[]> = {
    ipv4: names(),
    ipv6: names(),
    asn: names(),
    countrycode: names(),
  }
  if (networkMap !== undefined) mappings[`${networkMap}.pid`] = names()
  return mappings
}

/**
 * RFC 9240 §7.5 `uses`: the defining resources of the resource-specific property (the CDNI
 * resource, §6.2.1) and of the PID domain (its network map, §6.1), in that order.
 */
export function cdniPropertyMapUses(cdniId: string, networkMap: string | undefined): string[] {
  return networkMap !== undefined ? [cdniId, networkMap] : [cdniId]
}
