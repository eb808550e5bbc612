import { describe, expect, it } from 'vitest';
import { readSdl } from '../src/engine/frameworks/graphql/sdl.js';

const schema = (text: string) => readSdl([], [{ path: 'schema.graphql', kind: 'graphql', text }]);

describe('readSdl', () => {
  it('reads field and type directives with their lines, past descriptions, comments and multi-line arguments', () => {
    const sdl = schema(`# @auth in a comment is nothing
type UserMutation {
  """
  Creates a user. @auth(requires: ["nope"]) in a description is nothing.
  """
  create(
    email: String! # trailing comment
    groups: [Int]!
  ): UserResponse @auth(requires: ["write:users", "manage:users"]) @rateLimit(limit: 5, duration: 60)
  profile: UserProfile
}
type AdminQuery @hasRole(role: ADMIN) {
  stats: [Stat!]!
}
`);
    expect(sdl.directivesFor('UserMutation', 'create').map((directive) => [directive.name, directive.args, directive.line])).toEqual([
      ['auth', 'requires: ["write:users", "manage:users"]', 9],
      ['rateLimit', 'limit: 5, duration: 60', 9],
    ]);
    expect(sdl.directivesFor('UserMutation', 'profile')).toEqual([]);
    expect(sdl.directivesFor('AdminQuery', 'stats').map((directive) => [directive.name, directive.onType])).toEqual([['hasRole', true]]);
    expect(sdl.directiveNames()).toEqual(['auth', 'hasRole', 'rateLimit']);
  });

  it('knows namespace types from root fields, and leaves data types that other fields return', () => {
    const sdl = schema(`
extend type Mutation { users: UserMutation }
extend type Query { users: UserQuery, me: User }
type UserMutation { create(name: String): User }
type UserQuery { list: [User] }
type User { id: Int! friends: [User] }
`);
    expect(sdl.namespaceOperation('UserMutation')).toBe('MUTATION');
    expect(sdl.namespaceOperation('UserQuery')).toBe('QUERY');
    expect(sdl.namespaceOperation('User')).toBeUndefined();
  });
});
