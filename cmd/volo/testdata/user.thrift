/**
 * Package user is the IDL of the volo command's end-to-end test: structs
 * with a field of every kind, containers of structs, an exception, and two
 * services, one extending the other, which extends a service of an
 * included file.
 */
namespace go user

include "common/base.thrift"

enum Role {
  GUEST = 0,
  MEMBER = 1,
  ADMIN = 2
}

typedef i64 UserID
typedef string Email

struct Address {
  1: required string street
  2: string city = "Paris"
  3: optional string zip
}

/** Profile has a field of every kind. */
struct Profile {
  1: bool active = true
  2: byte level
  3: i16 age
  4: i32 score
  5: i64 created_ms
  6: double rating = 4.5
  7: string bio
  8: binary avatar
  9: Role role = Role.MEMBER
  10: Email email
  11: required Address home
  12: optional Address work
  13: list<string> tags
  14: set<i32> lucky
  15: map<string, i64> counters
  16: optional list<Address> previous
  17: base.Timestamp updated
  18: optional i64 deleted_ms
}

struct User {
  1: required UserID id
  2: required string name
  3: optional Profile profile
  4: list<Address> addresses
  5: map<string, Address> by_label
  6: set<Role> roles
  7: base.Status status = base.Status.ACTIVE
}

exception NotFound {
  1: UserID id
  2: string message
}

exception Denied {
  1: string reason
}

/** UserService keeps users. */
service UserService extends base.Health {
  /** GetUser returns the user of id, or throws NotFound. */
  User getUser(1: UserID id) throws (1: NotFound nf)
  list<User> listUsers(1: base.Page page)
  map<UserID, User> usersByID(1: set<UserID> ids)
  UserID createUser(1: User user, 2: Profile profile)
  void updateProfile(1: UserID id, 2: Profile profile) throws (1: NotFound nf)
  /** Touch records that id was seen; the caller waits for no reply. */
  oneway void touch(1: UserID id)
  Role roleOf(1: UserID id)
  binary avatar(1: UserID id)
  bool exists(1: Email email)
  double rating(1: UserID id)
}

/** AdminService is a UserService with administrative methods. */
service AdminService extends UserService {
  void deleteUser(1: UserID id) throws (1: NotFound nf, 2: Denied denied)
  Profile resetProfile(1: UserID id)
  base.Status status()
}
