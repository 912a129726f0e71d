// SPDX-License-Identifier: MIT
/*
 * pibox-probe - runs inside the box, tries exactly one thing, and prints
 * "ok" or "errno=NAME" on one line. The integration suite asserts on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

static int report(long rc)
{
	if (rc < 0)
		printf("errno=%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	else
		printf("ok\n");
	return 0;
}

static int do_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return report(-1);
	long r = write(fd, "pwned\n", 6);
	close(fd);
	return report(r);
}

static int do_read(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return report(-1);
	long r = read(fd, buf, sizeof(buf));
	close(fd);
	return report(r);
}

static int do_connect_tcp(const char *host, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, host, &a.sin_addr);
	return report(connect(fd, (struct sockaddr *)&a, sizeof(a)));
}

static int do_connect_abstract(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	size_t n = strlen(name);

	memcpy(a.sun_path + 1, name, n);
	return report(connect(fd, (struct sockaddr *)&a,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)));
}

static int do_dns(const char *name)
{
	struct addrinfo *res;
	int r = getaddrinfo(name, "443", NULL, &res);

	if (r == 0) {
		printf("ok\n");
		return 0;
	}
	printf("gai=%s\n", gai_strerror(r));
	return 0;
}

static pid_t kids[4096];

static void reap_kids(int n)
{
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
}

static int do_fork_bomb(int max)
{
	int n = 0;

	if (max > 4096)
		max = 4096;
	for (; n < max; n++) {
		pid_t p = fork();

		if (p < 0) {
			printf("forks=%d errno=%s\n", n, strerrorname_np(errno));
			reap_kids(n);
			return 0;
		}
		if (p == 0) {
			pause();
			_exit(0);
		}
		kids[n] = p;
	}
	printf("forks=%d errno=none\n", n);
	reap_kids(n);
	return 0;
}

static int do_mem_hog(long mb)
{
	for (long i = 0; i < mb; i++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return report(-1);
		memset(p, 1, 1 << 20);
	}
	return report(0);
}

static int do_list_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf("%s ", e->d_name);
	printf("\n");
	return 0;
}

static int do_list_pids(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	while ((e = readdir(d)))
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
			printf("%s ", e->d_name);
	printf("\n");
	return 0;
}

static int do_ids(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	printf("uid=%d euid=%d gid=%d ", getuid(), geteuid(), getgid());
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "CapBnd:", 7) ||
		    !strncmp(line, "CapPrm:", 7) || !strncmp(line, "NoNewPrivs:", 11) ||
		    !strncmp(line, "Seccomp:", 8))
			printf("%.*s ", (int)strcspn(line, "\n"), line);
	printf("\n");
	return 0;
}

static long i386_getpid(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int main(int argc, char **argv)
{
	const char *a = argc > 1 ? argv[1] : "";
	const char *x = argc > 2 ? argv[2] : "";
	const char *y = argc > 3 ? argv[3] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(a, "read"))
		return do_read(x);
	if (!strcmp(a, "write"))
		return do_write(x);
	if (!strcmp(a, "mkdir"))
		return report(mkdir(x, 0755));
	if (!strcmp(a, "remount-rw"))
		return report(mount(NULL, x, NULL, MS_REMOUNT | MS_BIND, NULL));
	if (!strcmp(a, "mount-tmpfs"))
		return report(mount("tmpfs", x, "tmpfs", 0, NULL));
	if (!strcmp(a, "umount"))
		return report(umount2(x, MNT_DETACH));
	if (!strcmp(a, "unshare-user"))
		return report(unshare(CLONE_NEWUSER));
	if (!strcmp(a, "clone-newuser"))
		return report(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0) < 0 ? -1 : (wait(NULL), 0));
	if (!strcmp(a, "setuid0"))
		return report(setuid(0));
	if (!strcmp(a, "ptrace-init"))
		return report(ptrace(PTRACE_ATTACH, 1, 0, 0));
	if (!strcmp(a, "kill"))
		return report(kill(atoi(x), atoi(y)));
	if (!strcmp(a, "tiocsti")) {
		char c = 'x';
		return report(ioctl(0, TIOCSTI, &c));
	}
	if (!strcmp(a, "tiocsti-high")) {
		char c = 'x';
		return report(syscall(SYS_ioctl, 0, 0x100000000UL | TIOCSTI, &c));
	}
	if (!strcmp(a, "io_uring")) {
		char params[120] = { 0 };
		return report(syscall(__NR_io_uring_setup, 1, params));
	}
	if (!strcmp(a, "keyctl"))
		return report(syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "pibox-probe"));
	if (!strcmp(a, "bpf")) {
		char attr[128] = { 0 };
		((uint32_t *)attr)[0] = 2; /* BPF_MAP_TYPE_ARRAY */
		((uint32_t *)attr)[1] = 4;
		((uint32_t *)attr)[2] = 4;
		((uint32_t *)attr)[3] = 1;
		return report(syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof(attr)));
	}
	if (!strcmp(a, "name_to_handle_at")) {
		struct { unsigned int bytes; int type; unsigned char h[128]; } fh = { .bytes = 128 };
		int mount_id;
		return report(syscall(SYS_name_to_handle_at, AT_FDCWD, x, &fh, &mount_id, 0));
	}
	if (!strcmp(a, "perf_event_open")) {
		char attr[128] = { 0 };
		((uint32_t *)attr)[1] = sizeof(attr);
		return report(syscall(SYS_perf_event_open, attr, 0, -1, -1, 0));
	}
	if (!strcmp(a, "userfaultfd"))
		return report(syscall(SYS_userfaultfd, 0));
	if (!strcmp(a, "personality"))
		return report(personality(ADDR_NO_RANDOMIZE));
	if (!strcmp(a, "x32"))
		return report(syscall(0x40000000 | SYS_getpid));
	if (!strcmp(a, "i386"))
		return report(i386_getpid());
	if (!strcmp(a, "connect-tcp"))
		return do_connect_tcp(x, y);
	if (!strcmp(a, "connect-abstract"))
		return do_connect_abstract(x);
	if (!strcmp(a, "dns"))
		return do_dns(x);
	if (!strcmp(a, "fork-bomb"))
		return do_fork_bomb(atoi(x));
	if (!strcmp(a, "mem-hog"))
		return do_mem_hog(atol(x));
	if (!strcmp(a, "fds"))
		return do_list_fds();
	if (!strcmp(a, "pids"))
		return do_list_pids();
	if (!strcmp(a, "ids"))
		return do_ids();
	if (!strcmp(a, "exit"))
		return atoi(x);
	if (!strcmp(a, "signal"))
		return kill(getpid(), atoi(x)), pause(), 0;
	if (!strcmp(a, "sleep"))
		return sleep((unsigned)atoi(x)), 0;
	fprintf(stderr, "pibox-probe: unknown action '%s'\n", a);
	return 2;
}
