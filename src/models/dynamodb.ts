/**
 * DynamoDB as data: the calls of the AWS SDK that read or write items, and where their request
 * names the item. engine/ast/data-access.ts recognises the calls, engine/access/lookup-keys.ts
 * reads the key and the condition expressions (an owner constraint is a key or condition bound to
 * the principal). Adding an API is an entry here and a fixture in fixtures/rules/missing-ownership-check.
 *
 * Three spellings carry the same request object (`{ TableName, Key, KeyConditionExpression,
 * ExpressionAttributeValues, ... }`):
 * - the Document client (v2 `new AWS.DynamoDB.DocumentClient()`, v3 `DynamoDBDocument`): `client.get(params)`;
 * - the low-level client (v2 `new AWS.DynamoDB()`, v3 `DynamoDB`): `client.getItem(params)`, values typed `{ S: id }`;
 * - v3 commands sent through a client: `client.send(new GetCommand(params))`.
 */

/** `create`: writes a whole new item (`put`), whose fields are the new record, not a lookup. */
export type DynamoOperation = 'read' | 'write' | 'create';

/** Document and low-level client methods, by the operation they perform. */
export const DYNAMODB_CLIENT_METHODS: Readonly<Record<string, DynamoOperation>> = {
  get: 'read',
  query: 'read',
  scan: 'read',
  batchGet: 'read',
  transactGet: 'read',
  update: 'write',
  delete: 'write',
  put: 'create',
  batchWrite: 'create',
  transactWrite: 'write',
  getItem: 'read',
  batchGetItem: 'read',
  transactGetItems: 'read',
  updateItem: 'write',
  deleteItem: 'write',
  putItem: 'create',
  batchWriteItem: 'create',
  transactWriteItems: 'write',
};

/** v3 command classes (`@aws-sdk/lib-dynamodb`, `@aws-sdk/client-dynamodb`), by the operation they perform. */
export const DYNAMODB_COMMANDS: Readonly<Record<string, DynamoOperation>> = {
  GetCommand: 'read',
  GetItemCommand: 'read',
  QueryCommand: 'read',
  ScanCommand: 'read',
  BatchGetCommand: 'read',
  BatchGetItemCommand: 'read',
  TransactGetCommand: 'read',
  TransactGetItemsCommand: 'read',
  UpdateCommand: 'write',
  UpdateItemCommand: 'write',
  DeleteCommand: 'write',
  DeleteItemCommand: 'write',
  TransactWriteCommand: 'write',
  TransactWriteItemsCommand: 'write',
  PutCommand: 'create',
  PutItemCommand: 'create',
  BatchWriteCommand: 'create',
  BatchWriteItemCommand: 'create',
};

/** Packages the command classes come from. */
export const DYNAMODB_COMMAND_PACKAGES: readonly string[] = ['@aws-sdk/lib-dynamodb', '@aws-sdk/client-dynamodb'];

/** Request properties only a DynamoDB request has: a call whose argument holds one is an item operation. */
export const DYNAMODB_REQUEST_PROPERTIES: readonly string[] = ['TableName', 'RequestItems', 'TransactItems'];

/** The property of a put request (`put`, `putItem`, `PutCommand`) holding the whole new item: every field of it is written. */
export const DYNAMODB_ITEM_PROPERTY = 'Item';

/** The property naming the item by its primary key. */
export const DYNAMODB_KEY_PROPERTY = 'Key';

/** A transaction's list of operations, and the operations in it that select an existing item by its `Key` (a `Put` writes a new one). */
export const DYNAMODB_TRANSACTION_PROPERTY = 'TransactItems';
export const DYNAMODB_TRANSACTION_LOOKUPS: readonly string[] = ['Get', 'Update', 'Delete', 'ConditionCheck'];

/** A batch read's tables (`RequestItems: { [table]: { Keys: [...] } }`) and each table's list of keys. */
export const DYNAMODB_BATCH_PROPERTY = 'RequestItems';
export const DYNAMODB_BATCH_KEYS_PROPERTY = 'Keys';

/** Expressions that select items (a query's key condition, a filter, a write's condition): their `:value` placeholders compare a field. */
export const DYNAMODB_SELECTING_EXPRESSIONS: readonly string[] = ['KeyConditionExpression', 'FilterExpression', 'ConditionExpression'];

/** Where the expressions' placeholders get their values (`{ ':id': id }`) and aliased names (`{ '#o': 'ownerId' }`). */
export const DYNAMODB_VALUES_PROPERTY = 'ExpressionAttributeValues';
export const DYNAMODB_NAMES_PROPERTY = 'ExpressionAttributeNames';

/** The low-level client's typed values (`{ S: id }`, `{ N: '3' }`): the value inside is the field's value. */
export const DYNAMODB_TYPE_DESCRIPTORS: readonly string[] = ['S', 'N', 'B', 'BOOL', 'SS', 'NS'];

/**
 * Attribute names single-table designs give the primary and index keys (`PK`/`SK`, `pk`/`sk`,
 * `GSI1PK`, `partitionKey`): whatever they hold selects the item, though the name says nothing of an id.
 */
export const DYNAMODB_KEY_ATTRIBUTE_NAME = /^(?:pk|sk|hk|rk|partition_?key|sort_?key|hash_?key|range_?key|gsi\d*_?(?:pk|sk)|lsi\d*_?sk)$/i;
