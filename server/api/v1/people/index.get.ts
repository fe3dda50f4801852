import { listPeople } from '../../../services/health/people.ts'
import { PeopleQuery } from '../../../services/health/schemas.ts'

export default defineEventHandler((event) => {
  const query = parseQuery(event, PeopleQuery)
  return listPeople(query)
})
