/* SPDX-License-Identifier: MIT */
/*
 * plan.h - what a box should be, recorded before anything is applied.
 *
 * As in minijail, setters only record intent here; box_run() (box.c) and
 * init (init.c) apply it in one fixed order.
 */
#ifndef PIBOX_PLAN_H
#define PIBOX_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "util/util.h"

#define PLAN_MAX_BINDS 64
#define PLAN_MAX_ENV 128
#define PLAN_DEFAULT_MEMORY (4ULL << 30)
#define PLAN_DEFAULT_MILLICPUS 2000
#define PLAN_DEFAULT_PIDS 512
#define BOX_PROXY_PORT 3128 /* the proxy, inside the box */
#define BOX_PROXY_PORT_STR "3128"

enum plan_bind_kind {
	PLAN_BIND_RO,      /* read-only bind of the same host path */
	PLAN_BIND_RW,      /* read-write bind of the same host path */
	PLAN_BIND_PROTECT, /* read-only bind over a path inside a rw bind */
};

struct plan_bind {
	enum plan_bind_kind kind;
	char *path; /* absolute, canonical host path */
	char *at;   /* where it appears inside, when not at @path; or NULL */
};

/* A file init writes into the box's private home (credentials, config). */
#define PLAN_MAX_FILES 8
struct plan_file {
	char name[64];   /* relative to the box's $HOME, no '/' but in subdirs */
	unsigned mode;
	char *content;   /* owned */
};

/* Paths the user's own tools execute later: read-only inside (see protect.c). */
#define PROTECT_MAX 16
struct protect_set {
	char *paths[PROTECT_MAX];
	bool existed[PROTECT_MAX];
	size_t n;
};

struct plan_limits {
	uint64_t memory;    /* bytes */
	uint32_t millicpus; /* 1000 = one CPU */
	uint64_t pids;
};

#define PLAN_MAX_RELAYS 16

/* --publish PORT[:BOXPORT] / --forward [HOST:]PORT */
struct plan_relay {
	uint16_t port;       /* publish: host port; forward: box port */
	uint16_t to_port;    /* publish: box port; forward: host port */
	struct sockaddr_storage host; /* forward: the host service's address */
	char spec[64];
};

struct proxy_opts;

struct box_plan {
	/* who runs inside */
	uid_t uid;
	gid_t gid;
	char *user_opt;     /* --user UID[:GID] as given, or NULL */
	char *user_name;
	char *home;
	char *shell;

	/* where */
	char *cwd;          /* canonical; the command starts here */
	char *workdir;      /* the writable tree: repo root, or cwd */
	struct plan_bind binds[PLAN_MAX_BINDS];
	size_t n_binds;
	struct protect_set protect;
	struct plan_file files[PLAN_MAX_FILES];
	size_t n_files;

	/* what the command sees of the environment */
	char *env_opts[PLAN_MAX_ENV]; /* --env as given */
	size_t n_env_opts;

	struct plan_limits limits;
	bool no_network;
	bool no_default_allowlist;
	struct proxy_opts *net;   /* allowlist, resolver, audit log */
	struct plan_relay publish[PLAN_MAX_RELAYS];
	size_t n_publish;
	struct plan_relay forward[PLAN_MAX_RELAYS];
	size_t n_forward;
	bool tty;           /* stdin is a terminal: give the box a pty */
	bool assume_yes;    /* --yes: pibox's prompts answer themselves */
	bool keep_auth;     /* keep pi's auth.json after the session */

	char **argv;        /* the command; not owned */
	int argc;
};

int plan_init(struct box_plan *plan);
void plan_free(struct box_plan *plan);
int plan_add_bind(struct box_plan *plan, enum plan_bind_kind kind,
		  const char *path, struct pb_err *err);
int plan_add_bind_at(struct box_plan *plan, enum plan_bind_kind kind,
		     const char *path, const char *at, struct pb_err *err);
int plan_add_file(struct box_plan *plan, const char *name, unsigned mode,
		  const char *content, struct pb_err *err);
int plan_resolve(struct box_plan *plan, struct pb_err *err);
int plan_choose_ids(uid_t euid, uid_t owner_uid, gid_t owner_gid,
		    const char *user_opt, uid_t *uid, gid_t *gid,
		    struct pb_err *err);
char **plan_build_env(const struct box_plan *plan, char *const *host_env,
		      struct pb_err *err);
void plan_free_env(char **env);

/* protect.c */
struct git_repo;
int protect_collect(struct box_plan *plan, const struct git_repo *repo,
		    struct pb_err *err);
void protect_report(const struct protect_set *set);

/* path rules (pure) */
bool path_is_under(const char *path, const char *dir);
int path_depth(const char *path);
int plan_check_workdir(const char *workdir, const char *home,
		       struct pb_err *err);

#endif
