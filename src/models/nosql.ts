import { MONGODB, MONGOOSE } from './orms.js';

/**
 * MongoDB-style databases as data: the packages whose models and collections take filter documents,
 * the types, factories and decorators that make a value a model, the query methods that take a
 * filter (and at which argument), and the operators that run code or compare literally.
 * rules/utils/mongo-collections.ts recognises a receiver as a model or collection (imports, fields,
 * `@InjectModel`, query chains); rules/nosql-injection.ts walks the filter. Adding a package or a
 * method is an entry here and a fixture in fixtures/rules/nosql-injection.
 */

/** Packages whose models or collections take MongoDB-style filter objects. */
export const MONGO_PACKAGES: readonly string[] = ['mongoose', 'mongodb', 'marsdb', 'monk', 'mongojs', 'nedb', '@seald-io/nedb', 'nedb-promises', '@typegoose/typegoose', 'typegoose', 'mongoist', '@nestjs/mongoose'];
/**
 * The packages a package.json dependency on which says the project uses MongoDB: all of the above
 * but the unscoped `typegoose`, which was never in that list (kept so the move changed nothing).
 */
export const MONGO_DEPENDENCY_PACKAGES: readonly string[] = MONGO_PACKAGES.filter((name) => name !== 'typegoose');

/** Types that say a field or parameter holds a model or collection: `Model<User>` (NestJS @InjectModel, typegoose, the driver); the Mongoose and driver rows of orms.ts. */
export const MONGO_MODEL_TYPES: readonly string[] = [...MONGOOSE.modelTypes, MONGODB.collectionType];
/** Calls that make a model, in a file that imports one of the packages: `model('User', schema)`, `getModelForClass(User)`. */
export const MONGO_MODEL_FACTORIES: readonly string[] = [...MONGOOSE.modelFactories, ...MONGOOSE.classModelFactories];
/** `db.collection('orders')`: the method of a connection or database that returns a collection. */
export const MONGO_COLLECTION_METHOD = MONGODB.collectionMethod;
/** Decorators that inject a model, collection or connection into a class field or constructor parameter. */
export const MONGO_INJECT_DECORATORS: readonly string[] = ['InjectModel', 'InjectCollection', 'InjectConnection'];
/** Mongoose query methods that return the query again: `User.find().where(filter)` still targets User. */
export const MONGOOSE_QUERY_CHAIN: ReadonlySet<string> = new Set(MONGOOSE.queryChain);

/** Methods of a model or collection whose argument at this position is a MongoDB query document. */
export const MONGO_FILTER_ARGUMENT: Readonly<Record<string, number>> = {
  find: 0, findOne: 0, findOneAndUpdate: 0, findOneAndDelete: 0, findOneAndRemove: 0, findOneAndReplace: 0,
  updateOne: 0, updateMany: 0, update: 0, deleteOne: 0, deleteMany: 0, remove: 0, replaceOne: 0,
  countDocuments: 0, count: 0, exists: 0, where: 0, findById: 0, findByIdAndUpdate: 0, findByIdAndDelete: 0,
  findByIdAndRemove: 0, distinct: 1, aggregate: 0, and: 0, or: 0, nor: 0, paginate: 0, aggregatePaginate: 0,
};
/** Methods whose arguments are JavaScript the database runs (`mapReduce(map, reduce)`, mongoose `Query.$where(code)`). */
export const MONGO_CODE_METHODS: readonly string[] = ['mapReduce', '$where'];

/** Operators that run JavaScript on the server: any request text in them is code. */
export const CODE_OPERATORS: ReadonlySet<string> = new Set(['$where', '$function', '$accumulator']);
/**
 * Operators whose operand is compared literally or must be a string: an object there is a value
 * or a cast error, not a query. The comparison operators ($eq, $ne, $gt, $gte, $lt, $lte) compare
 * their operand as a value (`{ $ne: { $gt: '' } }` matches the document `{ $gt: '' }`, which is why
 * `{ $eq: x }` is the documented defence); $in and $nin take an array of such values (a non-array is
 * an error, mongoose casts each element to the path's type). $regex, $options and $search take a
 * string (a request-chosen $regex is a ReDoS concern, not operator injection). Not $all (its
 * elements may be `$elemMatch` queries), $elemMatch, $not or the logical operators: their operands are queries.
 */
export const LITERAL_OPERATORS: ReadonlySet<string> = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$regex', '$options', '$search']);
