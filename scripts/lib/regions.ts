/**
 * @module ISO 3166-1 alpha-2 country → continent, and the inter-continent distance the ASN map
 * generator's cost rule uses. Continents follow the UN geoscheme's usual 7-continent split
 * (Central America and the Caribbean count as North America; Russia, Turkey, Cyprus and the
 * Caucasus are placed where RIR allocations put them: RU in Europe, TR/CY/GE/AM/AZ in Asia).
 * "EU" (a registry code for pan-European space, not a country) counts as Europe.
 */

export type Region =
  | 'africa'
  | 'antarctica'
  | 'asia'
  | 'europe'
  | 'north-america'
  | 'oceania'
  | 'south-america'
  | 'unknown'

const COUNTRIES_BY_REGION: Record<Exclude<Region, 'unknown'>, string> = {
  africa:
    'AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML ' +
    'MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW',
  antarctica: 'AQ BV GS HM TF',
  asia:
    'AE AF AM AZ BD BH BN BT CC CN CX CY GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK ' +
    'MM MN MO MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE',
  europe:
    'AD AL AT AX BA BE BG BY CH CZ DE DK EE ES EU FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT ' +
    'LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK',
  'north-america':
    'AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA ' +
    'PM PR SV SX TC TT UM US VC VG VI',
  oceania: 'AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS',
  'south-america': 'AR BO BR CL CO EC FK GF GY PE PY SR UY VE',
}

const REGION_OF_COUNTRY: ReadonlyMap<string, Region> = new Map(
  Object.entries(COUNTRIES_BY_REGION).flatMap(([region, codes]) =>
    codes.split(' ').map((cc) => [cc, region as Region] as const)
  )
)

/** Continent of an ISO 3166-1 alpha-2 code; `unknown` for codes not in the table (e.g. ZZ). */
export function regionOf(countryCode: string): Region {
  return REGION_OF_COUNTRY.get(countryCode) ?? 'unknown'
}

/**
 * Extra routing cost between two different continents, a coarse stand-in for intercontinental
 * path length (symmetric; 0 on the diagonal). Antarctica and `unknown` are far from everything.
 */
const REGION_DISTANCE: Record<string, number> = {
  'europe|north-america': 20,
  'asia|europe': 35,
  'africa|europe': 25,
  'europe|south-america': 45,
  'europe|oceania': 60,
  'north-america|south-america': 25,
  'asia|north-america': 40,
  'north-america|oceania': 45,
  'africa|north-america': 50,
  'asia|oceania': 25,
  'africa|asia': 45,
  'asia|south-america': 65,
  'africa|south-america': 55,
  'africa|oceania': 65,
  'oceania|south-america': 60,
}
export const FAR_REGION_DISTANCE = 80

export function regionDistance(a: Region, b: Region): number {
  if (a === b) return a === 'unknown' ? FAR_REGION_DISTANCE : 0
  const key = a < b ? `${a}|${b}` : `${b}|${a}`
  return REGION_DISTANCE[key] ?? FAR_REGION_DISTANCE
}
