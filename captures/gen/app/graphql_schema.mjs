// The GraphQL schema of app/graphql_transport_ws and app/graphql_ws_legacy:
//   type Query        { hello: String }              -> "Hello, world!"
//   type Subscription { countdown(from: Int!): Int }  -> from, from - 1, …, 1
// (countdown yields one value every 50 ms, then the subscription completes).
import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { sleep } from '../scenarios/lib.mjs';

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
