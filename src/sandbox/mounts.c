// SPDX-License-Identifier: MIT
/*
 * mounts.c - the box's filesystem view, built by init before anything runs.
 *
 * Theory of operation (the same dance as bubblewrap's):
 *  1. make every mount private, so nothing we do propagates to the host;
 *  2. mount a staging tmpfs on /tmp and pivot_root into it: the host's root
 *     is now at /oldroot, where it stays reachable for the binds below;
 *  3. build the new root on a second tmpfs at /newroot: read-only binds of
 *     /usr and the /bin /lib* /sbin links, a handful of /etc files, private
 *     home and /tmp, the writable tree at its own absolute path, a fresh
 *     /proc with its dangerous corners read-only, a minimal /dev;
 *  4. make the new root's own tmpfs read-only and pivot into it, dropping
 *     the old root entirely (umount MNT_DETACH), so no host path is left.
 *
 * Mount targets are created in the new root in depth order, so a parent bind
 * never hides a child's. Every failure dies: a half-built view never runs.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "sandbox/mounts.h"

#define OLD "/oldroot"
#define NEW "/newroot"

/* The /etc files most programs need; nothing that names a secret. */
static const char *const etc_entries[] = {
	"passwd", "group", "hosts", "resolv.conf", "nsswitch.conf", "host.conf",
	"gai.conf", "services", "protocols", "ssl", "ca-certificates",
	"ca-certificates.conf", "pki", "alternatives", "ld.so.cache",
	"ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "mtab",
	"os-release", "debian_version", "shells", "inputrc", "bash.bashrc",
	"profile", "profile.d", "terminfo", "mime.types", "locale.alias",
	"locale.conf", "default", "environment", "magic", "gitconfig",
	"vim", "nanorc", "xdg", "manpath.config", "login.defs",
};

static const char *const root_entries[] = {
	"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32",
};

static const char *const dev_nodes[] = {
	"null", "zero", "full", "random", "urandom", "tty",
};

/* /proc entries that change the host (or leak it) when written or read. */
static const char *const proc_readonly[] = {
	"sys", "sysrq-trigger", "irq", "bus", "fs",
};
static const char *const proc_masked[] = {
	"kcore", "keys", "timer_list", "sched_debug", "latency_stats",
	"kallsyms", "kmsg", "acpi", "scsi",
};

static void make_parent(const char *path)
{
	char tmp[PATH_MAX];
	char *slash;

	snprintf(tmp, sizeof(tmp), "%s", path);
	slash = strrchr(tmp, '/');
	if (!slash || slash == tmp)
		return;
	*slash = '\0';
	int r = pb_mkdir_p(tmp, 0755);
	if (r < 0)
		die_errno(r, "mounts: mkdir %s", tmp);
}

/* Creates a mount target matching what @src is: a dir or an empty file. */
static void make_target(const char *src, const char *dst)
{
	struct stat st;
	int r;

	if (stat(src, &st) < 0)
		die_errno(errno, "mounts: stat %s", src);
	make_parent(dst);
	if (S_ISDIR(st.st_mode))
		r = pb_mkdir_p(dst, 0755);
	else
		r = pb_touch(dst, 0644);
	if (r < 0)
		die_errno(r, "mounts: create mount point %s", dst);
}

/*
 * A remount inside a user namespace must keep the flags the kernel locked
 * on the original mount (nosuid, nodev, noexec, atime), or it fails EPERM.
 */
static unsigned long locked_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		die_errno(errno, "mounts: statvfs %s", path);
	if (sv.f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

/* Adds @flags (MS_RDONLY, MS_NOSUID, MS_NODEV) to the bind mount at @dst. */
static void remount_flags(const char *dst, unsigned long flags)
{
	unsigned long f = locked_flags(dst) | MS_REMOUNT | MS_BIND | flags;

	if (mount(NULL, dst, NULL, f, NULL) < 0)
		die_errno(errno, "mounts: remount %s%s", dst,
			  (flags & MS_RDONLY) ? " read-only" : "");
}

static void remount_ro(const char *dst)
{
	remount_flags(dst, MS_RDONLY | MS_NOSUID | MS_NODEV);
}

/*
 * Non-recursive on purpose: a host submount never appears unasked. Every
 * bind is nosuid (a setuid file planted in the repo stays inert) and, but
 * for device nodes, nodev.
 */
static void bind_path(const char *src, const char *dst, unsigned long flags)
{
	make_target(src, dst);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		die_errno(errno, "mounts: bind %s", src + strlen(OLD));
	remount_flags(dst, flags | MS_NOSUID);
}

static void mount_tmpfs(const char *dst, const char *opts)
{
	int r = pb_mkdir_p(dst, 0755);

	if (r < 0)
		die_errno(r, "mounts: mkdir %s", dst);
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		die_errno(errno, "mounts: tmpfs on %s", dst);
}

/* Copies a host symlink as it is, e.g. /lib -> usr/lib, /etc/localtime. */
static void copy_symlink(const char *src, const char *dst)
{
	char target[PATH_MAX];
	ssize_t n = readlink(src, target, sizeof(target) - 1);

	if (n < 0)
		die_errno(errno, "mounts: readlink %s", src);
	target[n] = '\0';
	make_parent(dst);
	if (symlink(target, dst) < 0)
		die_errno(errno, "mounts: symlink %s", dst);
}

/*
 * Small regular files (most of /etc) are copied onto the new root's tmpfs,
 * which becomes read-only before the command runs: the same view as a
 * read-only bind, without a mount and a remount per file.
 */
static bool copy_small_file(const char *src, const char *dst,
			    const struct stat *st)
{
	char buf[65536];
	cleanup_fd int in = -1, out = -1;
	ssize_t n;

	if (!S_ISREG(st->st_mode) || st->st_size > (off_t)sizeof(buf))
		return false;
	in = open(src, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (in < 0)
		return errno == EACCES; /* unreadable to the user: leave it out */
	n = read(in, buf, sizeof(buf));
	if (n < 0)
		die_errno(errno, "mounts: read %s", src);
	make_parent(dst);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0 || pb_write_all(out, buf, (size_t)n) < 0)
		die_errno(errno, "mounts: copy %s", dst);
	return true;
}

/* A host entry, mirrored read-only: links as links, the rest bound. */
static void mirror_ro(const char *rel)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat st;

	snprintf(src, sizeof(src), OLD "/%s", rel);
	snprintf(dst, sizeof(dst), NEW "/%s", rel);
	if (lstat(src, &st) < 0)
		return; /* not on this host: nothing to mirror */
	if (S_ISLNK(st.st_mode)) {
		copy_symlink(src, dst);
		return;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return;
	if (copy_small_file(src, dst, &st))
		return;
	bind_path(src, dst, MS_RDONLY | MS_NODEV);
}

static void build_system(void)
{
	char rel[64];

	for (size_t i = 0; i < ARRAY_SIZE(root_entries); i++)
		mirror_ro(root_entries[i]);
	for (size_t i = 0; i < ARRAY_SIZE(etc_entries); i++) {
		snprintf(rel, sizeof(rel), "etc/%s", etc_entries[i]);
		mirror_ro(rel);
	}
}

static void build_dev(void)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", NEW "/dev/fd" },
		{ "/proc/self/fd/0", NEW "/dev/stdin" },
		{ "/proc/self/fd/1", NEW "/dev/stdout" },
		{ "/proc/self/fd/2", NEW "/dev/stderr" },
		{ "pts/ptmx", NEW "/dev/ptmx" },
	};
	char src[64], dst[64];

	mount_tmpfs(NEW "/dev", "mode=0755");
	for (size_t i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		snprintf(src, sizeof(src), OLD "/dev/%s", dev_nodes[i]);
		snprintf(dst, sizeof(dst), NEW "/dev/%s", dev_nodes[i]);
		bind_path(src, dst, 0);
	}
	if (pb_mkdir_p(NEW "/dev/pts", 0755) < 0 ||
	    mount("devpts", NEW "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		die_errno(errno, "mounts: devpts");
	mount_tmpfs(NEW "/dev/shm", "mode=1777");
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			die_errno(errno, "mounts: symlink %s", links[i][1]);
}

static void build_proc(void)
{
	char path[64];
	struct stat st;

	if (pb_mkdir_p(NEW "/proc", 0755) < 0 ||
	    mount("proc", NEW "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		die_errno(errno, "mounts: proc - the kernel refused a fresh /proc (is /proc partly hidden on this host?)");
	for (size_t i = 0; i < ARRAY_SIZE(proc_readonly); i++) {
		snprintf(path, sizeof(path), NEW "/proc/%s", proc_readonly[i]);
		if (lstat(path, &st) < 0)
			continue;
		if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
			die_errno(errno, "mounts: bind %s", path);
		remount_ro(path);
	}
	for (size_t i = 0; i < ARRAY_SIZE(proc_masked); i++) {
		snprintf(path, sizeof(path), NEW "/proc/%s", proc_masked[i]);
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV,
				  "mode=0555") < 0)
				die_errno(errno, "mounts: mask %s", path);
		} else if (mount(NEW "/dev/null", path, NULL, MS_BIND, NULL) < 0) {
			die_errno(errno, "mounts: mask %s", path);
		}
	}
}

static int bind_cmp(const void *a, const void *b)
{
	const struct plan_bind *x = a, *y = b;
	/* what counts is where a bind lands inside */
	int dx = path_depth(x->at ? x->at : x->path), dy = path_depth(y->at ? y->at : y->path);

	if (dx != dy)
		return dx - dy;
	/* protect binds go over the rw bind they sit in */
	return (int)x->kind - (int)y->kind;
}

/**
 * mounts_sort_binds() - order binds so every parent is mounted before its
 * children
 * Return: 0
 */
int mounts_sort_binds(struct plan_bind *binds, size_t n)
{
	qsort(binds, n, sizeof(*binds), bind_cmp);
	return 0;
}

static void build_binds(const struct box_view *v)
{
	char src[PATH_MAX], dst[PATH_MAX];

	for (size_t i = 0; i < v->n_binds; i++) {
		const struct plan_bind *b = &v->binds[i];

		snprintf(src, sizeof(src), OLD "%s", b->path);
		snprintf(dst, sizeof(dst), NEW "%s", b->at ? b->at : b->path);
		bind_path(src, dst, MS_NODEV | (b->kind == PLAN_BIND_RW ? 0 : MS_RDONLY));
	}
}

static void enter_staging(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno(errno, "mounts: make / private");
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		die_errno(errno, "mounts: staging tmpfs");
	if (mkdir("/tmp" OLD, 0755) < 0 || mkdir("/tmp" NEW, 0755) < 0)
		die_errno(errno, "mounts: staging dirs");
	if (syscall(SYS_pivot_root, "/tmp", "/tmp" OLD) < 0)
		die_errno(errno, "mounts: pivot_root into staging");
	if (chdir("/") < 0)
		die_errno(errno, "mounts: chdir /");
	if (mount("tmpfs", NEW, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		die_errno(errno, "mounts: root tmpfs");
}

static void enter_newroot(void)
{
	if (mount(NULL, NEW, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
		  "mode=0755") < 0)
		die_errno(errno, "mounts: make the root read-only");
	if (chdir(NEW) < 0)
		die_errno(errno, "mounts: chdir newroot");
	/* pivot_root(".", ".") stacks the old root on top; then drop it. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die_errno(errno, "mounts: pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die_errno(errno, "mounts: detach the host root");
	if (chdir("/") < 0)
		die_errno(errno, "mounts: chdir /");
}

/**
 * mounts_build_view() - build the whole view and pivot into it; dies on error
 */
void mounts_build_view(const struct box_view *v)
{
	char home[PATH_MAX];

	enter_staging();
	build_system();
	mount_tmpfs(NEW "/tmp", "mode=1777");
	snprintf(home, sizeof(home), NEW "%s", v->home);
	if (!path_is_under(v->home, "/tmp"))
		mount_tmpfs(home, "mode=0700");
	else if (pb_mkdir_p(home, 0700) < 0)
		die_errno(errno, "mounts: mkdir %s", v->home);
	build_binds(v);
	build_dev();
	build_proc();
	enter_newroot();
}
