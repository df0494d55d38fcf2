// The GraphQL schema of app/graphql_transport_ws and app/graphql_ws_legacy:
//   type Query        { hello: String }              -> "Hello, world!"
//   type Subscription { countdown(from: Int!): Int }  -> from, from - 1, …, 1
// (countdown yields one value every 50 ms, then the subscription completes),
// and the client's operations on it, the same in both scenarios.
import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { check, sleep } from '../scenarios/lib.mjs';

export const HELLO = 'query Hello { hello }';
export const COUNTDOWN = 'subscription Countdown { countdown(from: 3) }';

export const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { hello: { type: GraphQLString, resolve: () => 'Hello, world!' } },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      countdown: {
        type: GraphQLInt,
        args: { from: { type: new GraphQLNonNull(GraphQLInt) } },
        subscribe: async function* countdown(_, { from }) {
          for (let n = from; n > 0; n--) {
            await sleep(50);
            yield { countdown: n };
          }
        },
      },
    },
  }),
});

/**
 * The client's two operations, in order: the query Hello, then the
 * subscription Countdown. `subscribe({ query, operationName }, sink)` is the
 * library's own way to start an operation (sink: next, error, complete).
 */
export async function operations(subscribe) {
  const run = (query, operationName) => new Promise((resolve, reject) => {
    const results = [];
    subscribe({ query, operationName }, { next: (value) => results.push(value), error: reject, complete: () => resolve(results) });
  });
  const hello = await run(HELLO, 'Hello');
  check(JSON.stringify(hello) === '[{"data":{"hello":"Hello, world!"}}]', 'hello');
  await sleep(50);
  const countdown = await run(COUNTDOWN, 'Countdown');
  check(countdown.map((r) => r.data.countdown).join() === '3,2,1', 'countdown');
}
